// Package crawl runs a crawler's crawl as Glue's do: S3 targets on local
// paths (file:// or absolute) and on s3:// are listed, honouring the
// target's Exclusions and SampleSize; files are classified by package
// infer; the folders are grouped into tables with partitions, and the
// tables are written to the crawler's database in the Data Catalog under
// its SchemaChangePolicy and RecrawlPolicy.
package crawl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/epoxy-run/epoxy/internal/crawl/infer"
	"github.com/epoxy-run/epoxy/internal/glue"
)

// Lister lists the keys under an S3 prefix.
type Lister interface {
	List(ctx context.Context, bucket, prefix string, fn func(key string) error) error
}

// Objects lists and reads s3:// objects.
type Objects interface {
	Lister
	// Get reads an object, at most limit bytes of it.
	Get(ctx context.Context, uri string, limit int64) ([]byte, error)
}

// Crawler crawls S3 targets.
type Crawler struct {
	// S3 lists and reads s3:// targets; required when a crawler has one
	// (objectstore.Disabled for a server without an endpoint).
	S3 Objects
	// Catalog is the Data Catalog the crawl writes its tables to; nil
	// only lists and classifies.
	Catalog Catalog
	// Classifiers holds the custom classifiers crawlers name.
	Classifiers Classifiers
}

// Crawl crawls every S3 target of c and, when c names a database, writes
// the tables found to it; then it re-crawls the tables its CatalogTargets
// name. Any target that cannot be read fails the crawl with an error
// naming it, as does a database that does not exist; targets of other
// kinds (JDBC, DynamoDB, ...) cannot be crawled locally and fail it too.
func (cr *Crawler) Crawl(ctx context.Context, c *glue.Crawler) (glue.CrawlResult, error) {
	var st crawlStats
	if kinds := c.Targets.Uncrawlable(); len(kinds) > 0 {
		return st.res, fmt.Errorf("only S3 and catalog targets (local paths and s3://) can be crawled here; this crawler also has %s, which Epoxy cannot crawl", strings.Join(kinds, ", "))
	}
	if len(c.Targets.S3Targets) == 0 && len(c.Targets.CatalogTargets) == 0 {
		return st.res, errors.New("only S3 and catalog targets can be crawled locally, and this crawler has none")
	}
	pol, err := policiesOf(c)
	if err != nil {
		return st.res, err
	}
	custom, err := cr.customOf(ctx, c)
	if err != nil {
		return st.res, err
	}
	if err := cr.crawlS3Targets(ctx, c, pol, custom, &st); err != nil {
		return st.res, err
	}
	if err := cr.crawlCatalogTargets(ctx, c, pol, custom, &st); err != nil {
		return st.res, err
	}
	catalogued := cr.Catalog != nil && (c.DatabaseName != "" || len(c.Targets.CatalogTargets) > 0)
	st.res.Summary = summary(st.res, st.unknown, catalogued)
	return st.res, nil
}

// crawlStats is what a crawl counts as it goes.
type crawlStats struct {
	res     glue.CrawlResult
	unknown int
}

// add counts a scanned target's files, folders and unclassified files.
func (st *crawlStats) add(tr *targetScan) {
	st.res.Files += tr.files
	st.res.Folders += len(tr.folders)
	st.unknown += tr.unknown
}

// crawlS3Targets crawls the S3 targets and writes their tables to the
// crawler's database.
func (cr *Crawler) crawlS3Targets(ctx context.Context, c *glue.Crawler, pol policies, custom []infer.Classifier, st *crawlStats) error {
	if len(c.Targets.S3Targets) == 0 {
		return nil
	}
	g, err := groupingOf(c)
	if err != nil {
		return err
	}
	w := cr.writer(c, pol)
	if err := w.checkDatabase(ctx); err != nil {
		return err
	}
	known, roots, err := w.known(ctx)
	if err != nil {
		return err
	}
	var sets []*dataset
	for i, t := range c.Targets.S3Targets {
		tr, err := cr.scan(ctx, t, known, custom)
		if err != nil {
			return fmt.Errorf("S3Targets[%d] %s: %w", i, t.Path, err)
		}
		st.add(tr)
		sets = append(sets, g.pin(t.Path, tr.leaves(), roots)...)
	}
	return w.write(ctx, sets, &st.res)
}

func summary(res glue.CrawlResult, unknown int, catalogued bool) string {
	s := fmt.Sprintf("%d files in %d folders", res.Files, res.Folders)
	if unknown > 0 {
		s += fmt.Sprintf(", %d not classified", unknown)
	}
	if catalogued {
		s += fmt.Sprintf("; tables created %d, updated %d, deleted %d", res.TablesCreated, res.TablesUpdated, res.TablesDeleted)
	}
	return s
}

// scan walks a target and samples its files into its folders.
func (cr *Crawler) scan(ctx context.Context, t glue.S3Target, known map[string]bool, custom []infer.Classifier) (*targetScan, error) {
	excl, err := compileExclusions(t.Exclusions)
	if err != nil {
		return nil, fmt.Errorf("Exclusions: %w", err)
	}
	ts := newTargetScan(t, custom)
	err = cr.walk(ctx, t.Path, func(rel string, size int64) error {
		if excluded(excl, rel) || known[location(t.Path, path.Dir(rel))] {
			return nil
		}
		return ts.add(ctx, cr, rel, size)
	})
	return ts, err
}

// walk calls fn with the path, relative to target, and the size (-1 when
// the listing does not tell) of every object or file.
func (cr *Crawler) walk(ctx context.Context, target string, fn func(rel string, size int64) error) error {
	if rest, ok := strings.CutPrefix(target, "s3://"); ok {
		bucket, prefix, _ := strings.Cut(rest, "/")
		return cr.S3.List(ctx, bucket, prefix, func(key string) error {
			if strings.HasSuffix(key, "/") {
				return nil
			}
			if err := fn(strings.TrimPrefix(strings.TrimPrefix(key, prefix), "/"), -1); err != nil {
				return err
			}
			return ctx.Err()
		})
	}
	root, err := localRoot(target)
	if err != nil {
		return err
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return ctx.Err()
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		return fn(filepath.ToSlash(rel), info.Size())
	})
}

// localRoot is the directory of a local target.
func localRoot(target string) (string, error) {
	root := strings.TrimPrefix(target, "file://")
	if !filepath.IsAbs(root) {
		return "", errors.New("a local target must be a file:// URI or an absolute path")
	}
	return root, nil
}

// read returns the first limit bytes of a target's file.
func (cr *Crawler) read(ctx context.Context, target, rel string, limit int64) ([]byte, error) {
	if strings.HasPrefix(target, "s3://") {
		return cr.S3.Get(ctx, strings.TrimSuffix(target, "/")+"/"+rel, limit)
	}
	root, err := localRoot(target)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

// compileExclusions turns Glue's glob exclusions into regular expressions:
// * matches within a path segment, ** across segments, ? one character,
// {a,b} alternatives.
func compileExclusions(globs []string) ([]*regexp.Regexp, error) {
	out := make([]*regexp.Regexp, 0, len(globs))
	for _, g := range globs {
		re, err := regexp.Compile("^" + globToRegexp(g) + "$")
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", g, err)
		}
		out = append(out, re)
	}
	return out, nil
}

func globToRegexp(g string) string {
	var b strings.Builder
	for i := 0; i < len(g); i++ {
		switch c := g[i]; c {
		case '*':
			if i+1 < len(g) && g[i+1] == '*' {
				b.WriteString(".*")
				i++
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '{':
			b.WriteString("(?:")
		case '}':
			b.WriteString(")")
		case ',':
			b.WriteString("|")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}

func excluded(res []*regexp.Regexp, rel string) bool {
	for _, re := range res {
		if re.MatchString(rel) {
			return true
		}
	}
	return false
}
