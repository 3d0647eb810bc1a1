package service

import (
	"context"
	"encoding/json"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// CreateCrawler stores a new crawler in state READY. A non-empty schedule
// is validated and becomes the crawler's active schedule.
func (s *Service) CreateCrawler(ctx context.Context, c *glue.Crawler, schedule string, tags map[string]string) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := s.setCrawlerSchedule(c, schedule); err != nil {
		return err
	}
	now := s.now()
	c.State, c.Version, c.CreationTime, c.LastUpdated = glue.CrawlerStateReady, 1, glue.At(now), glue.At(now)
	c.LastCrawl, c.CrawlElapsedTime = nil, 0
	return s.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.Crawlers().Insert(ctx, c.Name, c); err != nil {
			return err
		}
		return tx.AddTags(ctx, glue.Resource{Kind: glue.KindCrawler, Name: c.Name}, tags)
	})
}

func (s *Service) setCrawlerSchedule(c *glue.Crawler, expr string) error {
	if expr == "" {
		c.Schedule = nil
		return nil
	}
	if err := s.schedule(expr); err != nil {
		return err
	}
	c.Schedule = &glue.Schedule{ScheduleExpression: expr, State: glue.ScheduleScheduled}
	return nil
}

// UpdateCrawler changes the given members of a crawler that is not running.
func (s *Service) UpdateCrawler(ctx context.Context, name string, u glue.CrawlerUpdate) error {
	return s.store.Update(ctx, func(tx store.Tx) error {
		c, err := tx.Crawlers().Get(ctx, name)
		if err != nil {
			return err
		}
		if c.State != glue.CrawlerStateReady {
			return glue.Errorf(glue.CrawlerRunning, "crawler %s is %s and cannot be updated", name, c.State)
		}
		if err := s.applyCrawlerUpdate(c, u); err != nil {
			return err
		}
		if err := c.Validate(); err != nil {
			return err
		}
		c.Version++
		c.LastUpdated = glue.At(s.now())
		return tx.Crawlers().Replace(ctx, name, c)
	})
}

func (s *Service) applyCrawlerUpdate(c *glue.Crawler, u glue.CrawlerUpdate) error {
	setStr := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	setRaw := func(dst *json.RawMessage, src json.RawMessage) {
		if src != nil {
			*dst = src
		}
	}
	setStr(&c.Role, u.Role)
	setStr(&c.DatabaseName, u.DatabaseName)
	setStr(&c.Configuration, u.Configuration)
	setStr(&c.CrawlerSecurityConfiguration, u.CrawlerSecurityConfiguration)
	setRaw(&c.SchemaChangePolicy, u.SchemaChangePolicy)
	setRaw(&c.RecrawlPolicy, u.RecrawlPolicy)
	setRaw(&c.LineageConfiguration, u.LineageConfiguration)
	setRaw(&c.LakeFormationConfiguration, u.LakeFormationConfiguration)
	if u.Description != nil {
		c.Description = u.Description
	}
	if u.TablePrefix != nil {
		c.TablePrefix = u.TablePrefix
	}
	if u.Targets != nil {
		c.Targets = *u.Targets
	}
	if u.Classifiers != nil {
		c.Classifiers = u.Classifiers
	}
	if u.Schedule != nil {
		return s.setCrawlerSchedule(c, *u.Schedule)
	}
	return nil
}

// DeleteCrawler deletes a crawler that is not running.
func (s *Service) DeleteCrawler(ctx context.Context, name string) error {
	return s.store.Update(ctx, func(tx store.Tx) error {
		c, err := tx.Crawlers().Get(ctx, name)
		if err != nil {
			return err
		}
		if c.State != glue.CrawlerStateReady {
			return glue.Errorf(glue.CrawlerRunning, "crawler %s is %s and cannot be deleted", name, c.State)
		}
		if _, err := tx.Crawlers().Delete(ctx, name); err != nil {
			return err
		}
		return tx.Crawls().DeleteCrawler(ctx, name)
	})
}

// GetCrawler returns one crawler.
func (s *Service) GetCrawler(ctx context.Context, name string) (*glue.Crawler, error) {
	var c *glue.Crawler
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		c, err = tx.Crawlers().Get(ctx, name)
		return err
	})
	return c, err
}

// ListCrawlers returns a page of crawlers in name order.
func (s *Service) ListCrawlers(ctx context.Context, opts glue.ListOptions) ([]*glue.Crawler, error) {
	var out []*glue.Crawler
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		out, err = tx.Crawlers().List(ctx, opts)
		return err
	})
	return out, err
}

// BatchGetCrawlers returns the named crawlers that exist and the names of
// those that do not.
func (s *Service) BatchGetCrawlers(ctx context.Context, names []string) ([]*glue.Crawler, []string, error) {
	return batchGet(ctx, names, func(tx store.Tx, n string) (*glue.Crawler, error) {
		return tx.Crawlers().Get(ctx, n)
	}, s.store)
}

// StartCrawlerSchedule turns a crawler's schedule on.
func (s *Service) StartCrawlerSchedule(ctx context.Context, name string) error {
	return s.setScheduleState(ctx, name, glue.ScheduleScheduled)
}

// StopCrawlerSchedule turns a crawler's schedule off; the expression is kept.
func (s *Service) StopCrawlerSchedule(ctx context.Context, name string) error {
	return s.setScheduleState(ctx, name, glue.ScheduleNotScheduled)
}

func (s *Service) setScheduleState(ctx context.Context, name string, state glue.ScheduleState) error {
	return s.store.Update(ctx, func(tx store.Tx) error {
		c, err := tx.Crawlers().Get(ctx, name)
		if err != nil {
			return err
		}
		switch {
		case c.Schedule == nil || c.Schedule.ScheduleExpression == "":
			if state == glue.ScheduleScheduled {
				return glue.Errorf(glue.NoSchedule, "Crawler %s has no schedule (UpdateCrawlerSchedule sets one)", name)
			}
			return glue.Errorf(glue.SchedulerNotRunning, "Crawler %s has no schedule", name)
		case c.Schedule.State == state && state == glue.ScheduleScheduled:
			return glue.Errorf(glue.SchedulerRunning, "the schedule of crawler %s is already running", name)
		case c.Schedule.State == state:
			return glue.Errorf(glue.SchedulerNotRunning, "the schedule of crawler %s is not running", name)
		}
		c.Schedule.State = state
		c.LastUpdated = glue.At(s.now())
		return tx.Crawlers().Replace(ctx, name, c)
	})
}

// UpdateCrawlerSchedule replaces a crawler's schedule expression. A crawler
// that had no schedule gets an active one; otherwise the schedule's state is
// kept. An empty expression removes the schedule.
func (s *Service) UpdateCrawlerSchedule(ctx context.Context, name, expr string) error {
	if expr != "" {
		if err := s.schedule(expr); err != nil {
			return err
		}
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		c, err := tx.Crawlers().Get(ctx, name)
		if err != nil {
			return err
		}
		switch {
		case expr == "":
			c.Schedule = nil
		case c.Schedule == nil:
			c.Schedule = &glue.Schedule{ScheduleExpression: expr, State: glue.ScheduleScheduled}
		default:
			c.Schedule.ScheduleExpression = expr
		}
		c.Version++
		c.LastUpdated = glue.At(s.now())
		return tx.Crawlers().Replace(ctx, name, c)
	})
}
