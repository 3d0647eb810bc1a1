package executor

import (
	"bytes"
	"io"
	"unicode/utf8"
)

const (
	// tailBytes is how much of the end of stderr is read to find its last
	// line: a job may write gigabytes, the server reads at most this.
	tailBytes = 64 << 10
	// MaxErrorMessage caps a job run's ErrorMessage, in bytes.
	MaxErrorMessage = 2048
)

// lastLine returns the last non-empty line in the final tailBytes of the
// file at path, or "" when there is none or the file cannot be read safely.
func lastLine(path string) string {
	f, err := OpenRegular(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return ""
	}
	off := max(fi.Size()-tailBytes, 0)
	buf := make([]byte, fi.Size()-off)
	n, err := f.ReadAt(buf, off)
	if err != nil && err != io.EOF {
		return ""
	}
	buf = bytes.TrimSpace(buf[:n])
	if i := bytes.LastIndexByte(buf, '\n'); i >= 0 {
		buf = buf[i+1:]
	}
	return string(bytes.TrimSpace(buf))
}

// capMessage shortens s to at most MaxErrorMessage bytes without cutting a
// UTF-8 sequence, ending it with "…" when it was cut.
func capMessage(s string) string {
	if len(s) <= MaxErrorMessage {
		return s
	}
	const ellipsis = "…"
	cut := MaxErrorMessage - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}
