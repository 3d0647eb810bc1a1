package api

import "context"

// TagService is what the tagging operations need.
type TagService interface {
	TagResource(ctx context.Context, arn string, tags map[string]string) error
	UntagResource(ctx context.Context, arn string, keys []string) error
	GetTags(ctx context.Context, arn string) (map[string]string, error)
}

type tagResourceIn struct {
	ResourceArn string
	TagsToAdd   map[string]string
}

type untagResourceIn struct {
	ResourceArn  string
	TagsToRemove []string
}

type getTagsIn struct {
	ResourceArn string
}

type getTagsOut struct {
	Tags map[string]string `json:"Tags"`
}

func (s *Server) registerTags(svc TagService) {
	handle(s, "TagResource", func(ctx context.Context, in *tagResourceIn) (*empty, error) {
		return &empty{}, svc.TagResource(ctx, in.ResourceArn, in.TagsToAdd)
	})
	handle(s, "UntagResource", func(ctx context.Context, in *untagResourceIn) (*empty, error) {
		return &empty{}, svc.UntagResource(ctx, in.ResourceArn, in.TagsToRemove)
	})
	handle(s, "GetTags", func(ctx context.Context, in *getTagsIn) (*getTagsOut, error) {
		tags, err := svc.GetTags(ctx, in.ResourceArn)
		return &getTagsOut{tags}, err
	})
}
