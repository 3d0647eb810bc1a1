package webui

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// asset is one static file, read once at start.
type asset struct {
	body        []byte
	etag        string
	contentType string
}

// staticFiles serves the UI's assets from memory with strong ETags, so a
// browser revalidates them cheaply and never runs a stale script.
type staticFiles struct {
	files map[string]asset
}

// newStaticFiles reads every file of assets; index.html must be among them.
func newStaticFiles(assets fs.FS) (*staticFiles, error) {
	st := &staticFiles{files: map[string]asset{}}
	err := fs.WalkDir(assets, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		st.files[name] = asset{body: b, etag: `"` + hex.EncodeToString(sum[:16]) + `"`, contentType: contentType(name)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("webui: read assets: %w", err)
	}
	if _, ok := st.files["index.html"]; !ok {
		return nil, fmt.Errorf("webui: assets have no index.html")
	}
	return st, nil
}

// contentType is the type of an asset by its extension.
func contentType(name string) string {
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// serve answers a GET of the asset at name ("" is index.html).
func (st *staticFiles) serve(w http.ResponseWriter, r *http.Request, name string) {
	setCommonHeaders(w)
	if name == "" {
		name = "index.html"
	}
	a, ok := st.files[name]
	if !ok {
		writeError(w, http.StatusNotFound, glue.Errorf(glue.EntityNotFound, "the UI has no file %s", name))
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("ETag", a.etag)
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}
