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
			if matchesAll(h, in.Filters) {
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

// checkCrawlsFilters refuses the filters Glue refuses, before any crawl is
// read, so a crawler without crawls answers the same as one with many: a
// filter needs a FieldValue of its field's type, and STATE and CRAWL_ID
// take only EQ and NE.
func checkCrawlsFilters(filters []crawlsFilter) error {
	for i, f := range filters {
		if f.FieldValue == nil {
			return glue.Errorf(glue.InvalidInput, "Filters[%d].FieldValue is required", i)
		}
		if (f.FieldName == "STATE" || f.FieldName == "CRAWL_ID") && f.FilterOperator != "EQ" && f.FilterOperator != "NE" {
			return glue.Errorf(glue.InvalidInput, "Filters[%d].FilterOperator %s is not supported for %s: only EQ and NE are", i, f.FilterOperator, f.FieldName)
		}
		// Comparing with an empty crawl parses the value once.
		if _, err := compareField(&glue.CrawlerHistory{}, f); err != nil {
			return glue.Errorf(glue.InvalidInput, "Filters[%d].%s", i, err.Error())
		}
	}
	return nil
}

// matchesAll reports whether the crawl passes every filter; the filters
// were checked by checkCrawlsFilters.
func matchesAll(h *glue.CrawlerHistory, filters []crawlsFilter) bool {
	for _, f := range filters {
		if c, _ := compareField(h, f); !operatorHolds(f.FilterOperator, c) {
			return false
		}
	}
	return true
}

// compareField compares the crawl's field with the filter's value (-1, 0, 1).
func compareField(h *glue.CrawlerHistory, f crawlsFilter) (int, error) {
	v := *f.FieldValue
	switch f.FieldName {
	case "CRAWL_ID":
		return cmp.Compare(h.CrawlID, v), nil
	case "STATE":
		return cmp.Compare(h.State, strings.ToUpper(v)), nil
	case "START_TIME", "END_TIME":
		at, err := parseFilterTime(v)
		if err != nil {
			return 0, err
		}
		t := h.StartTime
		if f.FieldName == "END_TIME" {
			t = h.EndTime
		}
		return t.Compare(at), nil
	case "DPU_HOUR":
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, glue.Errorf(glue.InvalidInput, "FieldValue %q is not a number", v)
		}
		return cmp.Compare(h.DPUHour, n), nil
	}
	return 0, glue.Errorf(glue.InvalidInput, "FieldName %q is not one of CRAWL_ID, STATE, START_TIME, END_TIME, DPU_HOUR", f.FieldName)
}

// parseFilterTime reads a START_TIME or END_TIME value: epoch
// milliseconds, as AWS documents them, or an RFC 3339 time.
func parseFilterTime(v string) (time.Time, error) {
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.UnixMilli(ms), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	return time.Time{}, glue.Errorf(glue.InvalidInput, "FieldValue %q is not a time (epoch milliseconds or RFC 3339)", v)
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
