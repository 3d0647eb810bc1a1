// Package crawl runs a crawler's crawl as Glue's do: S3 targets on local
// paths (file:// or absolute) and on s3:// are listed, honouring the
// target's Exclusions and SampleSize; files are classified by package
// infer; the folders are grouped into tables with partitions, and the
// tables are written to the crawler's database in the Data Catalog under
// its SchemaChangePolicy and RecrawlPolicy. Custom classifiers the crawler
// names are tried first; CatalogTargets re-crawl existing tables'
// locations; each crawl writes its log (package crawllog).
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
	"slices"
	"strings"

	"github.com/epoxy-run/epoxy/internal/crawl/crawllog"
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

// Crawler crawls S3 and catalog targets.
type Crawler struct {
	// S3 lists and reads s3:// targets; required when a crawler has one
	// (objectstore.Disabled for a server without an endpoint).
	S3 Objects
	// Catalog is the Data Catalog the crawl writes its tables to; nil
	// only lists and classifies.
	Catalog Catalog
	// Classifiers holds the custom classifiers crawlers name.
	Classifiers Classifiers
	// Logs keeps crawls' logs and History tells the id of the crawl a
	// Crawl call performs; a crawl logs nothing when either is nil.
	Logs    Logs
	History History
}

// Logs opens a crawl's log in its crawler's stream.
type Logs interface {
	Begin(crawler, crawlID string) (*crawllog.Log, error)
}

// History lists a crawler's crawls, newest first.
type History interface {
	ListCrawls(ctx context.Context, crawler string, beforeSeq int64, limit int) ([]*glue.CrawlerHistory, []int64, error)
}

// Levels of a crawl log's lines.
const (
	info = "INFO"
	warn = "WARN"
)

// recentCrawls is how many of a crawler's newest crawls begin looks
// through for the one under way: a trigger starting the crawler while it
// runs records a FAILED crawl, newer than the running one.
const recentCrawls = 10

// begin opens the log of the crawl of c under way (its newest RUNNING
// one), or returns nil (no log) when there is no log store or the crawl
// cannot be found.
func (cr *Crawler) begin(ctx context.Context, c *glue.Crawler) *crawllog.Log {
	if cr.Logs == nil || cr.History == nil {
		return nil
	}
	crawls, _, err := cr.History.ListCrawls(ctx, c.Name, 0, recentCrawls)
	if err != nil {
		return nil
	}
	i := slices.IndexFunc(crawls, func(h *glue.CrawlerHistory) bool { return h.State == "RUNNING" })
	if i < 0 {
		return nil
	}
	l, err := cr.Logs.Begin(c.Name, crawls[i].CrawlID)
	if err != nil {
		return nil
	}
	l.Printf("BENCHMARK", "Running Start Crawl for Crawler %s", c.Name)
	if len(c.Classifiers) > 0 {
		l.Printf(info, "Custom classifiers, tried first in this order: %s", strings.Join(c.Classifiers, ", "))
	}
	return l
}

// Crawl crawls every S3 target of c and, when c names a database, writes
// the tables found to it; then it re-crawls the tables its CatalogTargets
// name. Any target that cannot be read fails the crawl with an error
// naming it, as does a database that does not exist; targets of other
// kinds (JDBC, DynamoDB, ...) cannot be crawled locally and fail it too.
func (cr *Crawler) Crawl(ctx context.Context, c *glue.Crawler) (glue.CrawlResult, error) {
	run := &crawlRun{log: cr.begin(ctx, c)}
	res, err := cr.crawl(ctx, c, run)
	if err != nil {
		run.log.Printf("ERROR", "Crawl failed: %v", err)
	} else {
		run.log.Printf("BENCHMARK", "Finished crawl: %s", res.Summary)
	}
	_ = run.log.Close()
	return res, err
}

// crawl performs a crawl, counting and logging in run.
func (cr *Crawler) crawl(ctx context.Context, c *glue.Crawler, run *crawlRun) (glue.CrawlResult, error) {
	if kinds := c.Targets.Uncrawlable(); len(kinds) > 0 {
		return run.res, fmt.Errorf("only S3 targets (local paths and s3://) and catalog targets can be crawled here; this crawler also has %s, which Epoxy cannot crawl", strings.Join(kinds, ", "))
	}
	if len(c.Targets.S3Targets) == 0 && len(c.Targets.CatalogTargets) == 0 {
		return run.res, errors.New("only S3 and catalog targets can be crawled locally, and this crawler has none")
	}
	pol, err := policiesOf(c)
	if err != nil {
		return run.res, err
	}
	if run.custom, err = cr.customOf(ctx, c); err != nil {
		return run.res, err
	}
	if err := cr.crawlS3Targets(ctx, c, pol, run); err != nil {
		return run.res, err
	}
	if err := cr.crawlCatalogTargets(ctx, c, pol, run); err != nil {
		return run.res, err
	}
	catalogued := cr.Catalog != nil && (c.DatabaseName != "" || len(c.Targets.CatalogTargets) > 0)
	run.res.Summary = summary(run.res, run.unknown, catalogued)
	return run.res, nil
}

// crawlRun is a crawl under way: what it counts, the custom classifiers it
// tries and its log (nil: none).
type crawlRun struct {
	res     glue.CrawlResult
	unknown int
	custom  []infer.Classifier
	log     *crawllog.Log
}

// add counts a scanned target's files, folders and unclassified files.
func (run *crawlRun) add(tr *targetScan) {
	run.res.Files += tr.files
	run.res.Folders += len(tr.folders)
	run.unknown += tr.unknown
}

// crawlS3Targets crawls the S3 targets and writes their tables to the
// crawler's database.
func (cr *Crawler) crawlS3Targets(ctx context.Context, c *glue.Crawler, pol policies, run *crawlRun) error {
	if len(c.Targets.S3Targets) == 0 {
		return nil
	}
	g, err := groupingOf(c)
	if err != nil {
		return err
	}
	w := cr.writer(c, pol)
	w.log = run.log
	if err := w.checkDatabase(ctx); err != nil {
		return err
	}
	known, roots, err := w.known(ctx)
	if err != nil {
		return err
	}
	var sets []*dataset
	for i, t := range c.Targets.S3Targets {
		run.log.Printf(info, "Crawling S3 target %s", t.Path)
		tr, err := cr.scan(ctx, t, known, run)
		if err != nil {
			return fmt.Errorf("S3Targets[%d] %s: %w", i, t.Path, err)
		}
		run.add(tr)
		sets = append(sets, g.pin(t.Path, tr.leaves(), roots)...)
	}
	return w.write(ctx, sets, &run.res)
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
func (cr *Crawler) scan(ctx context.Context, t glue.S3Target, known map[string]bool, run *crawlRun) (*targetScan, error) {
	excl, err := compileExclusions(t.Exclusions)
	if err != nil {
		return nil, fmt.Errorf("invalid Exclusions glob: %w", err)
	}
	ts := newTargetScan(t, run.custom, run.log)
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
