// Package crawl reads a crawler's targets: S3 targets on local paths
// (file:// or absolute) and on s3:// through an S3 endpoint are listed,
// honouring the target's Exclusions. Writing tables to a Data Catalog is a
// later step; Crawl returns what it found so that step can be added.
package crawl

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// Lister lists the keys under an S3 prefix.
type Lister interface {
	List(ctx context.Context, bucket, prefix string, fn func(key string) error) error
}

// Crawler crawls S3 targets.
type Crawler struct {
	// S3 lists s3:// targets; required when a crawler has one
	// (objectstore.Disabled for a server without an endpoint).
	S3 Lister
}

// Crawl lists every S3 target of c. Any target that cannot be read fails the
// crawl with an error naming it; targets of other kinds (JDBC, DynamoDB, ...)
// cannot be crawled locally and fail it too.
func (cr *Crawler) Crawl(ctx context.Context, c *glue.Crawler) (glue.CrawlResult, error) {
	var res glue.CrawlResult
	if len(c.Targets.S3Targets) == 0 {
		return res, errors.New("only S3 targets can be crawled locally, and this crawler has none")
	}
	folders := map[string]bool{}
	for i, t := range c.Targets.S3Targets {
		excl, err := compileExclusions(t.Exclusions)
		if err != nil {
			return res, fmt.Errorf("S3Targets[%d].Exclusions: %w", i, err)
		}
		err = cr.walk(ctx, t.Path, func(rel string) {
			if excluded(excl, rel) {
				return
			}
			res.Files++
			folders[t.Path+"/"+path.Dir(rel)] = true
		})
		if err != nil {
			return res, fmt.Errorf("S3Targets[%d] %s: %w", i, t.Path, err)
		}
	}
	res.Folders = len(folders)
	res.Summary = fmt.Sprintf("%d files in %d folders", res.Files, res.Folders)
	return res, nil
}

// walk calls fn with the path, relative to target, of every object or file.
func (cr *Crawler) walk(ctx context.Context, target string, fn func(rel string)) error {
	if rest, ok := strings.CutPrefix(target, "s3://"); ok {
		bucket, prefix, _ := strings.Cut(rest, "/")
		return cr.S3.List(ctx, bucket, prefix, func(key string) error {
			if strings.HasSuffix(key, "/") {
				return nil
			}
			fn(strings.TrimPrefix(strings.TrimPrefix(key, prefix), "/"))
			return ctx.Err()
		})
	}
	root := strings.TrimPrefix(target, "file://")
	if !filepath.IsAbs(root) {
		return errors.New("a local target must be a file:// URI or an absolute path")
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(root, p)
		fn(filepath.ToSlash(rel))
		return nil
	})
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
