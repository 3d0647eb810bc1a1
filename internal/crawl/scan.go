package crawl

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/epoxy-run/epoxy/internal/crawl/crawllog"
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
	size    int64 // bytes of its files (estimated where the listing gives no size)
	sampled int
	// sampledSize is the bytes of the sampled files.
	sampledSize int64
	schema      *infer.Schema
	raw         int64 // bytes of the sampled files as stored
}

// targetScan is what a walk of one target found.
type targetScan struct {
	target  glue.S3Target
	custom  []infer.Classifier // tried before the built-in classifiers
	log     *crawllog.Log
	limit   int
	files   int
	unknown int
	folders map[string]*leaf
}

func newTargetScan(t glue.S3Target, custom []infer.Classifier, log *crawllog.Log) *targetScan {
	limit := maxSampledFiles
	if t.SampleSize != nil && *t.SampleSize > 0 {
		limit = int(*t.SampleSize)
	}
	return &targetScan{target: t, custom: custom, log: log, limit: limit, folders: map[string]*leaf{}}
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
		if size < 0 { // an s3:// listing: estimate with the sampled files' mean size
			size = l.sampledSize / int64(l.sampled)
		}
		l.size += size
		return nil
	}
	l.sampled++
	schema, raw, size, err := cr.classify(ctx, ts.target.Path, rel, size, ts.custom)
	if err != nil {
		return err
	}
	l.size += size
	l.sampledSize += size
	switch {
	case schema == nil:
		ts.log.Printf(warn, "%s: no classifier recognises the file", location(ts.target.Path, "")+rel)
		ts.unknown++
	case l.schema == nil:
		l.schema, l.raw = schema, raw
	case infer.Compatible(l.schema, schema):
		l.schema, l.raw = infer.Merge(l.schema, schema), l.raw+raw
	default:
		ts.log.Printf(warn, "%s: a %s file that does not fit its folder's schema", location(ts.target.Path, "")+rel, schema.Classification)
		ts.unknown++
	}
	return nil
}

// classify reads a file's sample and classifies it (with the custom
// classifiers first, for text), returning its schema
// (nil when no classifier recognises it), the bytes the schema's records
// were read from, and the file's size (the sampled bytes when the listing
// gave no size and the file is larger than the sample).
func (cr *Crawler) classify(ctx context.Context, target, rel string, size int64, custom []infer.Classifier) (*infer.Schema, int64, int64, error) {
	data, err := cr.read(ctx, target, rel, sampleBytes+1)
	if err != nil {
		return nil, 0, 0, err
	}
	complete := len(data) <= sampleBytes
	data = data[:min(len(data), sampleBytes)]
	if size < 0 {
		size = int64(len(data))
	}
	var s *infer.Schema
	switch {
	case infer.IsParquet(data):
		s, size, err = cr.classifyParquet(ctx, target, rel, data, complete, size)
	case infer.IsAvro(data):
		s, err = infer.ClassifyAvro(data)
	default:
		s, err = infer.ClassifyWith(path.Base(rel), data, complete, custom)
	}
	switch {
	case errors.Is(err, infer.ErrUnknown):
		return nil, 0, size, nil
	case err != nil:
		return nil, 0, 0, err
	}
	if s.Classification == infer.Parquet {
		return s, size, size, nil
	}
	return s, int64(len(data)), size, nil
}

// maxParquetBytes is the largest s3:// Parquet file read whole for its
// footer; local files are read at the footer whatever their size.
const maxParquetBytes = 64 << 20

// classifyParquet reads a Parquet file's footer: in place for a local
// file, else from the whole object when it is at most maxParquetBytes.
func (cr *Crawler) classifyParquet(ctx context.Context, target, rel string, head []byte, complete bool, size int64) (*infer.Schema, int64, error) {
	if !strings.HasPrefix(target, "s3://") {
		root, err := localRoot(target)
		if err != nil {
			return nil, 0, err
		}
		f, err := os.Open(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return nil, 0, err
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil {
			return nil, 0, err
		}
		s, err := infer.ClassifyParquet(f, info.Size())
		return s, info.Size(), err
	}
	data := head
	if !complete {
		var err error
		if data, err = cr.read(ctx, target, rel, maxParquetBytes+1); err != nil {
			return nil, 0, err
		}
		if len(data) > maxParquetBytes {
			return nil, size, infer.ErrUnknown
		}
	}
	s, err := infer.ClassifyParquet(bytes.NewReader(data), int64(len(data)))
	return s, int64(len(data)), err
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
