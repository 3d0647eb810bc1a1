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

// grouping is how a crawl groups folders into tables: its crawler's
// Configuration "Grouping".
type grouping struct {
	// Combine (TableGroupingPolicy CombineCompatibleSchemas) groups
	// folders of the same format whatever their columns.
	Combine bool
	// Level (TableLevelConfiguration), when positive, puts every table at
	// that depth of the location, the bucket (or the first directory)
	// being level 1.
	Level int
}

// compatible reports whether two folders' schemas can be one table.
func (g grouping) compatible(a, b *infer.Schema) bool {
	if g.Combine {
		return infer.SameFormat(a, b)
	}
	return infer.Compatible(a, b)
}

// groupTarget makes the datasets of a target's leaves: at the configured
// table level when there is one, else as group does.
func (g grouping) groupTarget(target string, leaves []*leaf) []*dataset {
	if g.Level <= 0 {
		return g.group(target, "", leaves)
	}
	depth := g.Level - targetLevel(target)
	var order []string
	byRoot := map[string][]*leaf{}
	for _, l := range leaves {
		root := ""
		if depth > 0 && l.dir != "" {
			segs := strings.Split(l.dir, "/")
			root = strings.Join(segs[:min(depth, len(segs))], "/")
		}
		if _, ok := byRoot[root]; !ok {
			order = append(order, root)
		}
		byRoot[root] = append(byRoot[root], l)
	}
	var out []*dataset
	for _, root := range order {
		out = append(out, g.forced(target, root, byRoot[root]))
	}
	return out
}

// targetLevel is the number of path elements of a target's location.
func targetLevel(target string) int {
	p := strings.Trim(strings.TrimPrefix(strings.TrimPrefix(target, "s3://"), "file://"), "/")
	if p == "" {
		return 0
	}
	return strings.Count(p, "/") + 1
}

// forced makes one dataset rooted at root of the leaves with the format of
// the first, whatever their columns; the others are left out.
func (g grouping) forced(target, root string, leaves []*leaf) *dataset {
	d := &dataset{target: target, root: root}
	for _, l := range leaves {
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
	return d
}

// group makes datasets of the leaves under root (relative to target), as
// Glue groups folders into tables: when every leaf's schema is compatible
// with the others', they are one table rooted at root; otherwise the
// files directly in root are one table and each subfolder is grouped on
// its own.
func (g grouping) group(target, root string, leaves []*leaf) []*dataset {
	if len(leaves) == 0 {
		return nil
	}
	if s, ok := g.mergeAll(leaves); ok {
		return []*dataset{{target: target, root: root, schema: s, leaves: leaves}}
	}
	return g.split(target, root, leaves)
}

// split groups the files directly in root as one table and each subfolder
// on its own.
func (g grouping) split(target, root string, leaves []*leaf) []*dataset {
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
	out := g.group(target, root, here)
	for _, name := range order {
		out = append(out, g.group(target, path.Join(root, name), sub[name])...)
	}
	return out
}

// mergeAll merges the leaves' schemas, reporting whether each was
// compatible with the merge of those before it.
func (g grouping) mergeAll(leaves []*leaf) (*infer.Schema, bool) {
	s := leaves[0].schema
	for _, l := range leaves[1:] {
		if !g.compatible(s, l.schema) {
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
func (g grouping) pin(target string, leaves []*leaf, tables []string) []*dataset {
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
		out = append(out, g.forced(target, strings.Trim(strings.TrimPrefix(root, base), "/"), byRoot[root]))
	}
	switch {
	case len(rest) == 0:
		return out
	case g.Level > 0:
		return append(out, g.groupTarget(target, rest)...)
	case len(out) > 0 && order[0] != base:
		// The target holds tables in subfolders: it is not itself one.
		return append(out, g.split(target, "", rest)...)
	}
	return append(out, g.group(target, "", rest)...)
}
