package api

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// CrawlerService is what the crawler definition operations need.
type CrawlerService interface {
	CreateCrawler(ctx context.Context, c *glue.Crawler, schedule string, tags map[string]string) error
	UpdateCrawler(ctx context.Context, name string, u glue.CrawlerUpdate) error
	DeleteCrawler(ctx context.Context, name string) error
	GetCrawler(ctx context.Context, name string) (*glue.Crawler, error)
	ListCrawlers(ctx context.Context, opts glue.ListOptions) ([]*glue.Crawler, error)
	CrawlerNames(ctx context.Context, opts glue.ListOptions) ([]string, error)
	BatchGetCrawlers(ctx context.Context, names []string) ([]*glue.Crawler, []string, error)
	StartCrawlerSchedule(ctx context.Context, name string) error
	StopCrawlerSchedule(ctx context.Context, name string) error
	UpdateCrawlerSchedule(ctx context.Context, name, expr string) error
}

type crawlerNameIn struct {
	CrawlerName string
}

type updateCrawlerScheduleIn struct {
	CrawlerName string
	Schedule    string
}

// createCrawlerIn shadows the Crawler's Schedule: requests carry a cron
// string where responses carry a Schedule structure.
type createCrawlerIn struct {
	glue.Crawler
	Schedule string
	Tags     map[string]string
}

type updateCrawlerIn struct {
	Name string
	glue.CrawlerUpdate
}

type crawlerOut struct {
	Crawler *glue.Crawler `json:"Crawler"`
}

type listCrawlersIn struct {
	NextToken  *string
	MaxResults *int32
	Tags       map[string]string `json:",omitempty"`
}

type getCrawlersOut struct {
	Crawlers  []*glue.Crawler `json:"Crawlers"`
	NextToken *string         `json:"NextToken,omitempty"`
}

type listCrawlersOut struct {
	CrawlerNames []string `json:"CrawlerNames"`
	NextToken    *string  `json:"NextToken,omitempty"`
}

type batchGetCrawlersIn struct {
	CrawlerNames []string
}

type batchGetCrawlersOut struct {
	Crawlers         []*glue.Crawler `json:"Crawlers"`
	CrawlersNotFound []string        `json:"CrawlersNotFound,omitempty"`
}

func crawlerName(c *glue.Crawler) string { return c.Name }

func (s *Server) registerCrawlers(svc CrawlerService) {
	handle(s, "CreateCrawler", func(ctx context.Context, in *createCrawlerIn) (*empty, error) {
		return &empty{}, svc.CreateCrawler(ctx, &in.Crawler, in.Schedule, in.Tags)
	})
	handle(s, "UpdateCrawler", func(ctx context.Context, in *updateCrawlerIn) (*empty, error) {
		return &empty{}, svc.UpdateCrawler(ctx, in.Name, in.CrawlerUpdate)
	})
	handle(s, "DeleteCrawler", func(ctx context.Context, in *nameIn) (*empty, error) {
		return &empty{}, svc.DeleteCrawler(ctx, in.Name)
	})
	handle(s, "GetCrawler", func(ctx context.Context, in *nameIn) (*crawlerOut, error) {
		c, err := svc.GetCrawler(ctx, in.Name)
		return &crawlerOut{c}, err
	})
	handle(s, "GetCrawlers", func(ctx context.Context, in *listCrawlersIn) (*getCrawlersOut, error) {
		p, err := s.newPager("GetCrawlers", in.NextToken, in.MaxResults, 100, in.Tags)
		if err != nil {
			return nil, err
		}
		cs, next, err := listPage(ctx, s, p, glue.ListOptions{Tags: in.Tags}, svc.ListCrawlers, crawlerName)
		return &getCrawlersOut{Crawlers: nonNil(cs), NextToken: next}, err
	})
	handle(s, "ListCrawlers", func(ctx context.Context, in *listCrawlersIn) (*listCrawlersOut, error) {
		p, err := s.newPager("ListCrawlers", in.NextToken, in.MaxResults, 100, in.Tags)
		if err != nil {
			return nil, err
		}
		p.limit = min(p.limit, 100) // the model's limit on CrawlerNames, whatever MaxResults asks
		ns, next, err := listPage(ctx, s, p, glue.ListOptions{Tags: in.Tags}, svc.CrawlerNames, itself)
		return &listCrawlersOut{CrawlerNames: nonNilNames(ns), NextToken: next}, err
	})
	handle(s, "StartCrawlerSchedule", func(ctx context.Context, in *crawlerNameIn) (*empty, error) {
		return &empty{}, svc.StartCrawlerSchedule(ctx, in.CrawlerName)
	})
	handle(s, "StopCrawlerSchedule", func(ctx context.Context, in *crawlerNameIn) (*empty, error) {
		return &empty{}, svc.StopCrawlerSchedule(ctx, in.CrawlerName)
	})
	handle(s, "UpdateCrawlerSchedule", func(ctx context.Context, in *updateCrawlerScheduleIn) (*empty, error) {
		return &empty{}, svc.UpdateCrawlerSchedule(ctx, in.CrawlerName, in.Schedule)
	})
	handle(s, "BatchGetCrawlers", func(ctx context.Context, in *batchGetCrawlersIn) (*batchGetCrawlersOut, error) {
		found, missing, err := svc.BatchGetCrawlers(ctx, distinct(in.CrawlerNames))
		return &batchGetCrawlersOut{Crawlers: nonNil(found), CrawlersNotFound: missing}, err
	})
}
