package executor

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
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

// TimesFile names the file, beside a job run's log file stream ("stdout"
// or "stderr"), where the output relay records when lines were written:
// one "OFFSET MILLIS" line for each write that starts a line, OFFSET being
// where the first line it starts begins in the log file.
func TimesFile(stream string) string {
	return stream + ".times"
}

// LogLine is one line of a job run's output.
type LogLine struct {
	// Offset is where the line starts in the log file.
	Offset int64
	// Time is when it was written, to the millisecond: the time the relay
	// recorded, or the log file's modification time for output written
	// without one (by an older Epoxy).
	Time time.Time
	Text string
}

// MaxLineBytes is the longest line ReadLines returns; a longer line comes
// as several.
const MaxLineBytes = 256 << 10

// stamp is one entry of a time file.
type stamp struct {
	offset int64
	ms     int64
}

// ReadLines calls fn with each line of a job run's log file stream, in
// order, until fn returns false. A missing log file has no lines.
func ReadLines(dataDir, jobRunID, stream string, fn func(LogLine) bool) error {
	if err := CheckRunID(jobRunID); err != nil {
		return err
	}
	dir := LogDir(dataDir, jobRunID)
	f, err := OpenRegular(filepath.Join(dir, stream))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	stamps := readStamps(filepath.Join(dir, TimesFile(stream)))
	return scanLines(io.LimitReader(f, fi.Size()), stamps, fi.ModTime(), fn)
}

// scanLines splits r into lines, timing each with the last stamp at or
// before its offset (fallback when there is none).
func scanLines(r io.Reader, stamps []stamp, fallback time.Time, fn func(LogLine) bool) error {
	br := bufio.NewReaderSize(r, MaxLineBytes)
	var off int64
	next := 0
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			for next < len(stamps) && stamps[next].offset <= off {
				next++
			}
			at := fallback
			if next > 0 {
				at = time.UnixMilli(stamps[next-1].ms)
			}
			if !fn(LogLine{Offset: off, Time: at, Text: strings.TrimSuffix(string(line), "\n")}) {
				return nil
			}
			off += int64(len(line))
		}
		switch {
		case err == nil, errors.Is(err, bufio.ErrBufferFull):
		case err == io.EOF:
			return nil
		default:
			return err
		}
	}
}

// readStamps reads a time file; entries that do not parse or go backwards
// (a job can write in its own directory) are skipped.
func readStamps(path string) []stamp {
	f, err := OpenRegular(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var stamps []stamp
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var s stamp
		if _, err := fmt.Sscanf(sc.Text(), "%d %d", &s.offset, &s.ms); err != nil {
			continue
		}
		if n := len(stamps); n > 0 && s.offset < stamps[n-1].offset {
			continue
		}
		stamps = append(stamps, s)
	}
	return stamps
}
