// Package crawllog keeps crawls' logs under the data directory, as Glue
// keeps them in the CloudWatch log group /aws-glue/crawlers: one stream per
// crawler, named after it, whose lines each start with the id of the crawl
// that wrote them ("[<crawl id>] INFO : ..."). Each line is stored with the
// time it was written. A stream is bounded: a crawl writes at most
// MaxLinesPerCrawl lines of at most MaxLineBytes, and a stream over
// MaxStreamBytes when a crawl starts loses its oldest lines.
package crawllog

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/epoxy-run/epoxy/internal/safefs"
)

// Bounds of a crawl log.
const (
	MaxLineBytes     = 2 << 10
	MaxLinesPerCrawl = 1000
	MaxStreamBytes   = 1 << 20
)

// suffix ends the name of a stream's file.
const suffix = ".log"

// Clock tells the time lines are written at.
type Clock interface{ Now() time.Time }

// Store keeps the streams in a directory (created private to its owner),
// reached through an os.Root so that no name leads out of it. Its methods
// may be called concurrently.
type Store struct {
	dir   string
	clock Clock
	mu    sync.Mutex // serialises trimming and appending
}

// New returns the store of the streams in dir, which the first crawl's
// log creates.
func New(dir string, clock Clock) *Store {
	return &Store{dir: dir, clock: clock}
}

// withRoot calls fn with the directory opened as a root; a directory not
// created yet has no streams (fn is not called).
func (s *Store) withRoot(fn func(root *os.Root) error) error {
	root, err := os.OpenRoot(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer root.Close()
	return fn(root)
}

// fileName is a crawler's stream file: its name with every byte other than
// an ASCII letter, digit, '-' or '_' written %XX, so that no name leaves the
// directory or collides with another.
func fileName(crawler string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(crawler); i++ {
		c := crawler[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	name := b.String() + suffix
	return name, safefs.Name(name)
}

// crawlerOf decodes a stream file's name; ok is false for other files.
func crawlerOf(file string) (string, bool) {
	enc, ok := strings.CutSuffix(file, suffix)
	if !ok {
		return "", false
	}
	var b []byte
	for i := 0; i < len(enc); i++ {
		if enc[i] != '%' {
			b = append(b, enc[i])
			continue
		}
		if i+2 >= len(enc) {
			return "", false
		}
		c, err := strconv.ParseUint(enc[i+1:i+3], 16, 8)
		if err != nil {
			return "", false
		}
		b, i = append(b, byte(c)), i+2
	}
	return string(b), true
}

// Log is one crawl's log.
type Log struct {
	s       *Store
	f       *os.File
	crawlID string
	lines   int
}

// Begin opens the crawler's stream for a crawl's lines, first dropping the
// oldest lines of a stream over MaxStreamBytes.
func (s *Store) Begin(crawler, crawlID string) (*Log, error) {
	name, err := fileName(crawler)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(s.dir, safefs.DirMode); err != nil {
		return nil, err
	}
	var f *os.File
	err = s.withRoot(func(root *os.Root) error {
		if err := trim(root, name); err != nil {
			return err
		}
		f, err = root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_APPEND, safefs.FileMode)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Log{s: s, f: f, crawlID: crawlID}, nil
}

// trim keeps the last half of a stream over MaxStreamBytes, from a line's
// start, replacing the file whole so that a reader sees either version.
func trim(root *os.Root, name string) error {
	info, err := root.Stat(name)
	if errors.Is(err, fs.ErrNotExist) || err == nil && info.Size() <= MaxStreamBytes {
		return nil
	}
	if err != nil {
		return err
	}
	data, err := root.ReadFile(name)
	if err != nil {
		return err
	}
	tail := data[len(data)-MaxStreamBytes/2:]
	if i := bytes.IndexByte(tail, '\n'); i >= 0 {
		tail = tail[i+1:]
	}
	tmp := ".tmp-" + name
	if err := root.WriteFile(tmp, tail, safefs.FileMode); err != nil {
		return err
	}
	return root.Rename(tmp, name)
}

// Printf writes a line at level (INFO, WARN, ERROR, BENCHMARK): the
// crawl's id, the level and the message, cut to MaxLineBytes. Past
// MaxLinesPerCrawl lines it writes one line saying so, then nothing. A
// line that cannot be written is dropped: a log never fails a crawl.
func (l *Log) Printf(level, format string, args ...any) {
	if l == nil || l.lines > MaxLinesPerCrawl {
		return
	}
	msg := strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", " ")
	l.lines++
	if l.lines > MaxLinesPerCrawl {
		level, msg = "WARN", fmt.Sprintf("more than %d lines: the rest of this crawl's log is left out", MaxLinesPerCrawl)
	}
	line := fmt.Sprintf("[%s] %s : %s", l.crawlID, level, msg)
	if len(line) > MaxLineBytes {
		line = strings.ToValidUTF8(line[:MaxLineBytes], "")
	}
	at := l.s.clock.Now().UTC().Format(time.RFC3339Nano)
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	_, _ = io.WriteString(l.f, at+" "+line+"\n")
}

// Close closes the crawl's log.
func (l *Log) Close() error {
	if l == nil {
		return nil
	}
	return l.f.Close()
}

// Stream is a crawler's stream.
type Stream struct {
	Crawler string
	// Created is the time of its first line.
	Created time.Time
}

// Streams returns the crawlers' streams in name order.
func (s *Store) Streams() ([]Stream, error) {
	entries, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Stream
	for _, e := range entries {
		name, ok := crawlerOf(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		st := Stream{Crawler: name}
		_ = s.Lines(name, func(at time.Time, _ string) bool { st.Created = at; return false })
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b Stream) int { return strings.Compare(a.Crawler, b.Crawler) })
	return out, nil
}

// Has reports whether a crawler has a stream.
func (s *Store) Has(crawler string) bool {
	name, err := fileName(crawler)
	if err != nil {
		return false
	}
	found := false
	_ = s.withRoot(func(root *os.Root) error {
		info, err := root.Stat(name)
		found = err == nil && info.Mode().IsRegular()
		return nil
	})
	return found
}

// Lines calls fn with each line of a crawler's stream and its time, in
// order, until fn returns false. A crawler that never crawled has no lines.
func (s *Store) Lines(crawler string, fn func(at time.Time, text string) bool) error {
	name, err := fileName(crawler)
	if err != nil {
		return err
	}
	return s.withRoot(func(root *os.Root) error {
		f, err := root.Open(name)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		defer f.Close()
		return scan(f, fn)
	})
}

// scan reads a stream's lines: each a time stamp, a space and the text.
func scan(f io.Reader, fn func(at time.Time, text string) bool) error {
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), MaxLineBytes+64)
	for sc.Scan() {
		stamp, text, _ := strings.Cut(sc.Text(), " ")
		at, err := time.Parse(time.RFC3339Nano, stamp)
		if err != nil {
			continue
		}
		if !fn(at, text) {
			return nil
		}
	}
	return sc.Err()
}
