package api

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// ClassifierService is what the classifier operations need.
type ClassifierService interface {
	CreateClassifier(ctx context.Context, c *glue.Classifier) error
	UpdateClassifier(ctx context.Context, u *glue.Classifier) error
	DeleteClassifier(ctx context.Context, name string) error
	GetClassifier(ctx context.Context, name string) (*glue.Classifier, error)
	ListClassifiers(ctx context.Context, opts glue.ListOptions) ([]*glue.Classifier, error)
}

type classifierNameIn struct {
	Name string
}

type classifierOut struct {
	Classifier *glue.Classifier `json:"Classifier"`
}

type getClassifiersIn struct {
	NextToken  *string
	MaxResults *int32
}

type getClassifiersOut struct {
	Classifiers []*glue.Classifier `json:"Classifiers"`
	NextToken   *string            `json:"NextToken,omitempty"`
}

func classifierName(c *glue.Classifier) string { return c.Meta().Name }

func (s *Server) registerClassifiers(svc ClassifierService) {
	handle(s, "CreateClassifier", func(ctx context.Context, in *glue.Classifier) (*empty, error) {
		return &empty{}, svc.CreateClassifier(ctx, in)
	})
	handle(s, "UpdateClassifier", func(ctx context.Context, in *glue.Classifier) (*empty, error) {
		return &empty{}, svc.UpdateClassifier(ctx, in)
	})
	handle(s, "DeleteClassifier", func(ctx context.Context, in *classifierNameIn) (*empty, error) {
		return &empty{}, svc.DeleteClassifier(ctx, in.Name)
	})
	handle(s, "GetClassifier", func(ctx context.Context, in *classifierNameIn) (*classifierOut, error) {
		c, err := svc.GetClassifier(ctx, in.Name)
		return &classifierOut{c}, err
	})
	handle(s, "GetClassifiers", func(ctx context.Context, in *getClassifiersIn) (*getClassifiersOut, error) {
		p, err := s.newPager("GetClassifiers", in.NextToken, in.MaxResults, 100, nil)
		if err != nil {
			return nil, err
		}
		cs, next, err := listPage(ctx, s, p, glue.ListOptions{}, svc.ListClassifiers, classifierName)
		return &getClassifiersOut{Classifiers: nonNil(cs), NextToken: next}, err
	})
}
