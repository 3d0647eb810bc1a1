package service

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// MaxTags is the most tags one resource may carry.
const MaxTags = 50

// resolveARN checks that arn names a resource of this account and region
// and returns it.
func (s *Service) resolveARN(ctx context.Context, arn string) (glue.Resource, error) {
	region, account, r, err := glue.ParseARN(arn)
	if err != nil {
		return r, err
	}
	if account != s.account || region != s.regionOf(ctx) {
		return r, glue.Errorf(glue.EntityNotFound, "%s: no such resource in account %s, region %s", arn, s.account, s.regionOf(ctx))
	}
	return r, nil
}

// exists fails with EntityNotFound when the resource does not exist.
func exists(ctx context.Context, tx store.Tx, r glue.Resource) error {
	var err error
	switch r.Kind {
	case glue.KindWorkflow:
		_, err = tx.Workflows().Get(ctx, r.Name)
	case glue.KindTrigger:
		_, err = tx.Triggers().Get(ctx, r.Name)
	case glue.KindJob:
		_, err = tx.Jobs().Get(ctx, r.Name)
	case glue.KindCrawler:
		_, err = tx.Crawlers().Get(ctx, r.Name)
	case glue.KindBlueprint:
		_, err = tx.Blueprints().Get(ctx, r.Name)
	default:
		err = glue.NotFound(r.Kind, r.Name)
	}
	return err
}

// TagResource adds tags to a resource, keeping it within MaxTags.
func (s *Service) TagResource(ctx context.Context, arn string, tags map[string]string) error {
	r, err := s.resolveARN(ctx, arn)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		if err := exists(ctx, tx, r); err != nil {
			return err
		}
		cur, err := tx.Tags(ctx, r)
		if err != nil {
			return err
		}
		for k, v := range tags {
			cur[k] = v
		}
		if len(cur) > MaxTags {
			return glue.Errorf(glue.InvalidInput, "TagsToAdd: a resource can have at most %d tags; this request would give %s %d", MaxTags, arn, len(cur))
		}
		return tx.AddTags(ctx, r, tags)
	})
}

// UntagResource removes tag keys from a resource.
func (s *Service) UntagResource(ctx context.Context, arn string, keys []string) error {
	r, err := s.resolveARN(ctx, arn)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		if err := exists(ctx, tx, r); err != nil {
			return err
		}
		return tx.RemoveTags(ctx, r, keys)
	})
}

// GetTags returns a resource's tags.
func (s *Service) GetTags(ctx context.Context, arn string) (map[string]string, error) {
	r, err := s.resolveARN(ctx, arn)
	if err != nil {
		return nil, err
	}
	var tags map[string]string
	err = s.store.View(ctx, func(tx store.Tx) error {
		if err := exists(ctx, tx, r); err != nil {
			return err
		}
		tags, err = tx.Tags(ctx, r)
		return err
	})
	return tags, err
}
