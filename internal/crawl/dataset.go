package crawl

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/epoxy-run/epoxy/internal/crawl/infer"
)

// dataset is one table to be: a folder of a target, the schema of all its
// files and the leaf folders under it that become its partitions.
type dataset struct {
	target string
	root   string // relative to the target; "" is the target itself
	schema *infer.Schema
	leaves []*leaf
}

// group makes datasets of the leaves under root (relative to target), as
// Glue groups folders into tables: when every leaf's schema is compatible
// with the others', they are one table rooted at root; otherwise the
// files directly in root are one table and each subfolder is grouped on
// its own.
func group(target, root string, leaves []*leaf) []*dataset {
	if len(leaves) == 0 {
		return nil
	}
	if s, ok := mergeAll(leaves); ok {
		return []*dataset{{target: target, root: root, schema: s, leaves: leaves}}
	}
	return split(target, root, leaves)
}

// split groups the files directly in root as one table and each subfolder
// on its own.
func split(target, root string, leaves []*leaf) []*dataset {
	var here []*leaf
	var order []string
	sub := map[string][]*leaf{}
	for _, l := range leaves {
		rest := relTo(root, l.dir)
		if rest == "" {
			here = append(here, l)
			continue
		}
		first, _, _ := strings.Cut(rest, "/")
		if _, ok := sub[first]; !ok {
			order = append(order, first)
		}
		sub[first] = append(sub[first], l)
	}
	out := group(target, root, here)
	for _, name := range order {
		out = append(out, group(target, path.Join(root, name), sub[name])...)
	}
	return out
}

// mergeAll merges the leaves' schemas, reporting whether each was
// compatible with the merge of those before it.
func mergeAll(leaves []*leaf) (*infer.Schema, bool) {
	s := leaves[0].schema
	for _, l := range leaves[1:] {
		if !infer.Compatible(s, l.schema) {
			return nil, false
		}
		s = infer.Merge(s, l.schema)
	}
	return s, true
}

// relTo returns dir relative to root ("" when they are the same).
func relTo(root, dir string) string {
	if root == "" {
		return dir
	}
	return strings.TrimPrefix(strings.TrimPrefix(dir, root), "/")
}

// partitionDepth is the number of folder levels between the dataset's root
// and its deepest leaves: those leaves are its partitions.
func (d *dataset) partitionDepth() int {
	depth := 0
	for _, l := range d.leaves {
		if rel := relTo(d.root, l.dir); rel != "" {
			depth = max(depth, strings.Count(rel, "/")+1)
		}
	}
	return depth
}

// partitionKeys names the partition keys: a Hive-style k=v folder level
// gives k, any other level partition_<i>. Names come from the first leaf
// at full depth.
func (d *dataset) partitionKeys() []string {
	depth := d.partitionDepth()
	for _, l := range d.leaves {
		segs := d.segments(l)
		if len(segs) != depth {
			continue
		}
		keys := make([]string, depth)
		for i, s := range segs {
			if k, _, ok := strings.Cut(s, "="); ok && k != "" {
				keys[i] = sanitize(k)
			} else {
				keys[i] = "partition_" + strconv.Itoa(i)
			}
		}
		return keys
	}
	return nil
}

// segments returns a leaf's folder levels under the dataset's root.
func (d *dataset) segments(l *leaf) []string {
	rel := relTo(d.root, l.dir)
	if rel == "" {
		return nil
	}
	return strings.Split(rel, "/")
}

// partitionValues returns the values of a leaf's partition: the value of
// each k=v level, or the level's name.
func partitionValues(segs []string) []string {
	out := make([]string, len(segs))
	for i, s := range segs {
		if k, v, ok := strings.Cut(s, "="); ok && k != "" {
			out[i] = v
		} else {
			out[i] = s
		}
	}
	return out
}

// location is the Location Glue writes for a folder of a target: the
// target's path joined with the folder, ending in a slash.
func location(target, dir string) string {
	loc := strings.TrimSuffix(target, "/")
	if dir != "" && dir != "." {
		loc += "/" + dir
	}
	return loc + "/"
}

var nonAlnum = regexp.MustCompile(`[^a-z0-9_]+`)

// sanitize makes a table or key name as Glue does: lower case, every run
// of characters other than letters, digits and underscores replaced by an
// underscore.
func sanitize(s string) string { return nonAlnum.ReplaceAllString(strings.ToLower(s), "_") }

// tableName is the name of the dataset's table: its root folder's name (the
// target's last path element, or the bucket, for the target itself),
// sanitised, after the crawler's TablePrefix.
func (d *dataset) tableName(prefix string) string {
	full := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(d.target, "s3://"), "file://"), "/")
	if d.root != "" {
		full += "/" + d.root
	}
	return prefix + sanitize(path.Base(full))
}

// shortHash is the suffix that tells apart two tables that would have
// the same name: eight hex digits of the SHA-256 of the table's location.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// pin puts the leaves of a target that lie under the location of a table
// the crawler wrote before (the deepest such table) into that table's
// dataset when they have its format, whatever their columns, so that a
// re-crawl keeps its tables where they are even when fewer folders are
// found or new columns appear; the other leaves are grouped afresh, each
// top folder apart when the target already holds tables in subfolders.
func pin(target string, leaves []*leaf, tables []string) []*dataset {
	base := location(target, "")
	var order []string
	byRoot := map[string][]*leaf{}
	var rest []*leaf
	for _, l := range leaves {
		loc, root := location(target, l.dir), ""
		for _, tl := range tables {
			if strings.HasPrefix(loc, tl) && strings.HasPrefix(tl, base) && len(tl) > len(root) {
				root = tl
			}
		}
		if root == "" {
			rest = append(rest, l)
			continue
		}
		if _, ok := byRoot[root]; !ok {
			order = append(order, root)
		}
		byRoot[root] = append(byRoot[root], l)
	}
	var out []*dataset
	for _, root := range order {
		d := &dataset{target: target, root: strings.Trim(strings.TrimPrefix(root, base), "/")}
		for _, l := range byRoot[root] {
			switch {
			case d.schema == nil:
				d.schema = l.schema
			case !infer.SameFormat(d.schema, l.schema):
				continue
			default:
				d.schema = infer.Merge(d.schema, l.schema)
			}
			d.leaves = append(d.leaves, l)
		}
		out = append(out, d)
	}
	if len(out) > 0 && order[0] != base {
		// The target holds tables in subfolders: it is not itself one.
		return append(out, split(target, "", rest)...)
	}
	return append(out, group(target, "", rest)...)
}
