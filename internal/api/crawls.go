package api

import (
	"cmp"
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
)

type crawlPage struct {
	items []*glue.CrawlerHistory
	seqs  []int64
}

// listCrawls fetches crawls newest first, keeping those that pass every
// filter, until it has one more than limit or runs out.
func (s *Server) listCrawls(ctx context.Context, svc RunService, in *listCrawlsIn, before int64, limit int) (crawlPage, error) {
	var out crawlPage
	for {
		hs, seqs, err := svc.ListCrawls(ctx, in.CrawlerName, before, 200)
		if err != nil {
			return out, err
		}
		for i, h := range hs {
			ok, err := matchesAll(h, in.Filters)
			if err != nil {
				return out, err
			}
			if ok {
				out.items, out.seqs = append(out.items, h), append(out.seqs, seqs[i])
				if len(out.items) > limit {
					return out, nil
				}
			}
		}
		if len(hs) < 200 {
			return out, nil
		}
		before = seqs[len(seqs)-1]
	}
}

func matchesAll(h *glue.CrawlerHistory, filters []crawlsFilter) (bool, error) {
	for i, f := range filters {
		c, err := compareField(h, f)
		if err != nil {
			return false, glue.Errorf(glue.InvalidInput, "Filters[%d]: %s", i, err.Error())
		}
		if !operatorHolds(f.FilterOperator, c) {
			return false, nil
		}
	}
	return true, nil
}

// compareField compares the crawl's field with the filter's value (-1, 0, 1).
func compareField(h *glue.CrawlerHistory, f crawlsFilter) (int, error) {
	switch f.FieldName {
	case "CRAWL_ID":
		return cmp.Compare(h.CrawlID, f.FieldValue), nil
	case "STATE":
		return cmp.Compare(h.State, strings.ToUpper(f.FieldValue)), nil
	case "START_TIME", "END_TIME":
		v, err := parseFilterTime(f.FieldValue)
		if err != nil {
			return 0, err
		}
		t := h.StartTime
		if f.FieldName == "END_TIME" {
			t = h.EndTime
		}
		return t.Compare(v), nil
	case "DPU_HOUR":
		v, err := strconv.ParseFloat(f.FieldValue, 64)
		if err != nil {
			return 0, glue.Errorf(glue.InvalidInput, "FieldValue %q is not a number", f.FieldValue)
		}
		return cmp.Compare(h.DPUHour, v), nil
	}
	return 0, glue.Errorf(glue.InvalidInput, "FieldName %q is not one of CRAWL_ID, STATE, START_TIME, END_TIME, DPU_HOUR", f.FieldName)
}

func parseFilterTime(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		return time.UnixMilli(int64(secs * 1000)), nil
	}
	return time.Time{}, glue.Errorf(glue.InvalidInput, "FieldValue %q is not a time (RFC 3339 or epoch seconds)", v)
}

func operatorHolds(op string, c int) bool {
	switch op {
	case "GT":
		return c > 0
	case "GE":
		return c >= 0
	case "LT":
		return c < 0
	case "LE":
		return c <= 0
	case "NE":
		return c != 0
	}
	return c == 0
}
