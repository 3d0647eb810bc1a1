// Package web holds Epoxy's web UI: plain ES modules, a stylesheet and
// index.html in static/, served as they are (there is no build step, see
// docs/ui.md) and embedded in the binary.
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var static embed.FS

// Assets returns the UI's files, index.html at the root.
func Assets() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // "static" is a valid path: cannot happen
	}
	return sub
}
