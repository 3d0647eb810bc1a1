package blueprint

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Glue's blueprint archive limits.
const (
	// MaxArchiveSize is the largest archive accepted, in bytes (1 MB).
	MaxArchiveSize = 1 << 20
	// MaxUnpackedSize is the largest total of the entries' decompressed
	// bytes accepted (5 MB).
	MaxUnpackedSize = 5 << 20
)

// ConfigName is the name of a blueprint's configuration file.
const ConfigName = "blueprint.cfg"

// entry is one checked archive entry.
type entry struct {
	name string // cleaned, slash-separated, relative
	dir  bool
	file *zip.File
}

// openArchive checks the archive's size and structure and returns its
// entries in archive order. No entry content is read.
func openArchive(archive []byte) ([]entry, error) {
	if len(archive) > MaxArchiveSize {
		return nil, fmt.Errorf("blueprint archive is larger than the limit of %d bytes (1 MB) compressed", MaxArchiveSize)
	}
	r, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	// ErrInsecurePath comes with a usable reader; checkEntries reports the
	// offending name precisely.
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("blueprint archive is not a readable ZIP file: %w", err)
	}
	entries, err := checkEntries(r.File)
	if err != nil {
		return nil, err
	}
	var declared uint64
	for _, e := range entries {
		if !e.dir {
			declared += e.file.UncompressedSize64
		}
	}
	if declared > MaxUnpackedSize {
		return nil, tooBigError("")
	}
	return entries, nil
}

func tooBigError(at string) error {
	msg := fmt.Sprintf("blueprint archive unpacks to more than %d bytes (5 MB)", MaxUnpackedSize)
	if at != "" {
		msg += fmt.Sprintf("; the limit was passed while reading entry %q", at)
	}
	return errors.New(msg)
}

// checkEntries refuses hostile or ambiguous entries and returns the others.
func checkEntries(files []*zip.File) ([]entry, error) {
	entries := make([]entry, 0, len(files))
	seen := make(map[string]string, len(files))
	isFile := make(map[string]bool, len(files))
	for _, f := range files {
		e, skip, err := checkEntry(f)
		if err != nil {
			return nil, err
		}
		if skip {
			continue
		}
		if prev, dup := seen[e.name]; dup {
			return nil, fmt.Errorf("blueprint archive has duplicate entries %q and %q", prev, f.Name)
		}
		seen[e.name] = f.Name
		isFile[e.name] = !e.dir
		entries = append(entries, e)
	}
	for _, e := range entries {
		for d := path.Dir(e.name); d != "."; d = path.Dir(d) {
			if isFile[d] {
				return nil, fmt.Errorf("blueprint archive entry %q is inside %q, which is a file", e.file.Name, seen[d])
			}
		}
	}
	return entries, nil
}

// checkEntry checks one entry; skip is set for the root directory itself
// ("./").
func checkEntry(f *zip.File) (e entry, skip bool, err error) {
	name, err := cleanName(f.Name)
	if err != nil {
		return entry{}, false, fmt.Errorf("blueprint archive entry %q: %w", f.Name, err)
	}
	mode := f.Mode()
	switch {
	case mode&fs.ModeSymlink != 0:
		return entry{}, false, fmt.Errorf("blueprint archive entry %q is a symbolic link; links are not allowed", f.Name)
	case mode&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeIrregular) != 0:
		return entry{}, false, fmt.Errorf("blueprint archive entry %q is a special file (%s); only files and folders are allowed", f.Name, mode.Type())
	case f.Flags&0x1 != 0:
		return entry{}, false, fmt.Errorf("blueprint archive entry %q is encrypted; encrypted archives are not supported", f.Name)
	}
	if name == "." {
		return entry{}, true, nil
	}
	dir := strings.HasSuffix(f.Name, "/") || mode.IsDir()
	return entry{name: name, dir: dir, file: f}, false, nil
}

// cleanName returns the cleaned relative name of an entry, or why it is
// refused.
func cleanName(name string) (string, error) {
	switch {
	case name == "":
		return "", errors.New("empty entry names are not allowed")
	case strings.ContainsRune(name, 0):
		return "", errors.New("entry names must not contain NUL bytes")
	case strings.Contains(name, `\`):
		return "", errors.New("backslashes are not allowed in entry names (Windows-style or absolute path); ZIP names use forward slashes")
	case strings.HasPrefix(name, "/"):
		return "", errors.New("absolute paths are not allowed")
	case len(name) >= 2 && name[1] == ':' && isASCIILetter(name[0]):
		return "", errors.New("absolute paths (drive letters) are not allowed")
	}
	for elem := range strings.SplitSeq(name, "/") {
		if elem == ".." {
			return "", errors.New(`".." path elements are not allowed`)
		}
	}
	clean := path.Clean(name)
	if clean != "." && !filepath.IsLocal(filepath.FromSlash(clean)) {
		return "", errors.New("the name does not stay inside the extraction directory")
	}
	return clean, nil
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// budget counts decompressed bytes against MaxUnpackedSize.
type budget struct{ left int64 }

func newBudget() *budget { return &budget{left: MaxUnpackedSize} }

// copy copies entry e into w, failing as soon as the total passes the
// limit: at most one byte more than the remaining budget is decompressed.
func (b *budget) copy(w io.Writer, e entry) error {
	rc, err := e.file.Open()
	if err != nil {
		return fmt.Errorf("blueprint archive entry %q cannot be read: %w", e.file.Name, err)
	}
	defer rc.Close()
	n, err := io.CopyN(w, rc, b.left+1)
	b.left -= n
	if b.left < 0 {
		return tooBigError(e.file.Name)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("blueprint archive entry %q cannot be read: %w", e.file.Name, err)
	}
	return nil
}

// Inspect checks a blueprint archive and returns its definition: the
// archive rules and blueprint.cfg rules of the package documentation. Every
// entry is decompressed (within the limit) so that corrupt entries are found
// at registration. The error's message says exactly what is wrong.
func Inspect(archive []byte) (*Definition, error) {
	entries, err := openArchive(archive)
	if err != nil {
		return nil, err
	}
	// Size and readability problems are reported before a missing config.
	cfg, cfgErr := findConfig(entries)
	var cfgData []byte
	b := newBudget()
	for _, e := range entries {
		if e.dir {
			continue
		}
		var w io.Writer = io.Discard
		var buf bytes.Buffer
		if cfgErr == nil && e.name == cfg.name {
			w = &buf
		}
		if err := b.copy(w, e); err != nil {
			return nil, err
		}
		if cfgErr == nil && e.name == cfg.name {
			cfgData = buf.Bytes()
		}
	}
	if cfgErr != nil {
		return nil, cfgErr
	}
	root := path.Dir(cfg.name)
	if root == "." {
		root = ""
	}
	return parseConfig(cfgData, cfg.file.Name, root, fileSet(entries))
}

// findConfig returns the blueprint.cfg entry: at the root, or directly
// inside exactly one top-level folder.
func findConfig(entries []entry) (entry, error) {
	var inFolders []entry
	var deeper string
	for _, e := range entries {
		if e.dir || path.Base(e.name) != ConfigName {
			continue
		}
		switch strings.Count(e.name, "/") {
		case 0:
			return e, nil
		case 1:
			inFolders = append(inFolders, e)
		default:
			if deeper == "" {
				deeper = e.name
			}
		}
	}
	switch len(inFolders) {
	case 1:
		return inFolders[0], nil
	case 0:
		msg := "blueprint archive has no " + ConfigName + " at its root or directly inside a top-level folder"
		if deeper != "" {
			msg += fmt.Sprintf(" (%s is nested too deeply)", deeper)
		}
		return entry{}, errors.New(msg)
	}
	names := make([]string, len(inFolders))
	for i, e := range inFolders {
		names[i] = e.name
	}
	return entry{}, fmt.Errorf("blueprint archive has %s in several top-level folders (%s); exactly one is allowed", ConfigName, strings.Join(names, ", "))
}

func fileSet(entries []entry) map[string]bool {
	files := make(map[string]bool, len(entries))
	for _, e := range entries {
		if !e.dir {
			files[e.name] = true
		}
	}
	return files
}

// Extract unpacks a blueprint archive into dir, creating dir if needed:
// files with permission 0644, folders 0755 (before umask). It applies the
// archive rules of Inspect (limits, hostile entries) but not the
// blueprint.cfg rules, and refuses to overwrite existing files. Every write
// goes through an os.Root opened on dir, so nothing lands outside it. On
// error dir may hold part of the archive; callers extract into a fresh
// directory and remove it.
func Extract(archive []byte, dir string) error {
	entries, err := openArchive(archive)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("extract blueprint: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("extract blueprint: %w", err)
	}
	defer root.Close()
	b := newBudget()
	for _, e := range entries {
		if err := extractEntry(root, b, e); err != nil {
			return err
		}
	}
	return nil
}

func extractEntry(root *os.Root, b *budget, e entry) error {
	name := filepath.FromSlash(e.name)
	if e.dir {
		if err := root.MkdirAll(name, 0o755); err != nil {
			return fmt.Errorf("extract blueprint entry %q: %w", e.file.Name, err)
		}
		return nil
	}
	if parent := filepath.Dir(name); parent != "." {
		if err := root.MkdirAll(parent, 0o755); err != nil {
			return fmt.Errorf("extract blueprint entry %q: %w", e.file.Name, err)
		}
	}
	f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("extract blueprint entry %q: %w", e.file.Name, err)
	}
	err = b.copy(f, e)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("extract blueprint entry %q: %w", e.file.Name, cerr)
	}
	return err
}
