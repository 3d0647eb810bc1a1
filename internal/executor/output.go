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

// Stamp is one entry of a time file: the line starting at Offset, and
// those after it up to the next stamp, were written at Time.
type Stamp struct {
	Offset int64
	Time   time.Time
}

// ParseStamp reads one line of a time file ("OFFSET MILLIS", without the
// newline); ok is false when it does not parse.
func ParseStamp(line string) (Stamp, bool) {
	var off, ms int64
	if _, err := fmt.Sscanf(line, "%d %d", &off, &ms); err != nil {
		return Stamp{}, false
	}
	return Stamp{Offset: off, Time: time.UnixMilli(ms)}, true
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
	return ScanLines(io.LimitReader(f, fi.Size()), StampsOf(stamps), fi.ModTime(), fn)
}

// StampsOf returns an iterator over stamps for ScanLines.
func StampsOf(stamps []Stamp) func() (Stamp, bool) {
	return func() (Stamp, bool) {
		if len(stamps) == 0 {
			return Stamp{}, false
		}
		s := stamps[0]
		stamps = stamps[1:]
		return s, true
	}
}

// ScanLines splits r into lines (a line longer than MaxLineBytes comes as
// several), timing each with the last stamp at or before its offset
// (fallback when there is none). next yields the stamps in offset order;
// when it has none it is asked again at the next line, so it may yield
// stamps as r reads on.
func ScanLines(r io.Reader, next func() (Stamp, bool), fallback time.Time, fn func(LogLine) bool) error {
	br := bufio.NewReaderSize(r, MaxLineBytes)
	var off int64
	at := fallback
	var ahead Stamp
	have := false
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			for {
				if !have {
					if ahead, have = next(); !have {
						break
					}
				}
				if ahead.Offset > off {
					break
				}
				at, have = ahead.Time, false
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
func readStamps(path string) []Stamp {
	f, err := OpenRegular(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var stamps []Stamp
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		s, ok := ParseStamp(sc.Text())
		if !ok {
			continue
		}
		if n := len(stamps); n > 0 && s.Offset < stamps[n-1].Offset {
			continue
		}
		stamps = append(stamps, s)
	}
	return stamps
}
