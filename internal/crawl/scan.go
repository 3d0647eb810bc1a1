package crawl

import (
	"context"
	"errors"
	"path"
	"sort"

	"github.com/epoxy-run/epoxy/internal/crawl/infer"
	"github.com/epoxy-run/epoxy/internal/glue"
)

// sampleBytes is how much of each file the classifiers read.
const sampleBytes = 1 << 20

// maxSampledFiles caps the files classified per folder when the target
// sets no SampleSize, so that a crawl's time and memory stay bounded.
const maxSampledFiles = 100

// leaf is a folder holding files: its path relative to the target ("" for
// the target itself) and what its sampled files look like.
type leaf struct {
	dir     string
	files   int
	size    int64 // bytes of its files (sampled bytes where the listing gives no size)
	sampled int
	schema  *infer.Schema
	raw     int64 // bytes of the sampled files as stored
}

// targetScan is what a walk of one target found.
type targetScan struct {
	target  glue.S3Target
	limit   int
	files   int
	unknown int
	folders map[string]*leaf
}

func newTargetScan(t glue.S3Target) *targetScan {
	limit := maxSampledFiles
	if t.SampleSize != nil && *t.SampleSize > 0 {
		limit = int(*t.SampleSize)
	}
	return &targetScan{target: t, limit: limit, folders: map[string]*leaf{}}
}

// add counts a file in its folder and classifies it while the folder has
// sampled fewer files than the limit. A file no classifier recognises, or
// one that does not fit its folder's schema, is counted as not classified.
func (ts *targetScan) add(ctx context.Context, cr *Crawler, rel string, size int64) error {
	ts.files++
	dir := path.Dir(rel)
	if dir == "." {
		dir = ""
	}
	l := ts.folders[dir]
	if l == nil {
		l = &leaf{dir: dir}
		ts.folders[dir] = l
	}
	l.files++
	if l.sampled >= ts.limit {
		l.size += max(size, 0)
		return nil
	}
	l.sampled++
	data, err := cr.read(ctx, ts.target.Path, rel, sampleBytes+1)
	if err != nil {
		return err
	}
	complete := len(data) <= sampleBytes
	if complete && size < 0 {
		size = int64(len(data))
	}
	l.size += max(size, int64(min(len(data), sampleBytes)))
	s, err := infer.Classify(path.Base(rel), data[:min(len(data), sampleBytes)], complete)
	switch {
	case errors.Is(err, infer.ErrUnknown):
		ts.unknown++
	case err != nil:
		return err
	case l.schema == nil:
		l.schema, l.raw = s, int64(min(len(data), sampleBytes))
	case infer.Compatible(l.schema, s):
		l.schema, l.raw = infer.Merge(l.schema, s), l.raw+int64(min(len(data), sampleBytes))
	default:
		ts.unknown++
	}
	return nil
}

// leaves returns the folders with classified files, in path order.
func (ts *targetScan) leaves() []*leaf {
	out := make([]*leaf, 0, len(ts.folders))
	for _, l := range ts.folders {
		if l.schema != nil {
			out = append(out, l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].dir < out[j].dir })
	return out
}
