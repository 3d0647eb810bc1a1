package safefs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// ErrNotRegular is the error of reading something other than a regular
// file: a directory, FIFO, socket, device or (as the final element of a
// user-named path) symbolic link.
var ErrNotRegular = errors.New("not a regular file")

// openFlags open without waiting for a FIFO's writer and without following
// a final symbolic link.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOFOLLOW

// ReadRegular reads at most limit bytes of the regular file at path. It
// opens the file without blocking, so a FIFO with no writer cannot hang it,
// refuses a path whose final element is a symbolic link, checks the opened
// file is regular (fstat) and stops reading when ctx is done.
func ReadRegular(ctx context.Context, path string, limit int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, openFlags, 0)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("%s is a symbolic link (name the file it points to): %w", path, ErrNotRegular)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpened(ctx, f, path, limit)
}

// readOpened checks that f is a regular file and reads at most limit bytes
// of it, stopping when ctx is done.
func readOpened(ctx context.Context, f *os.File, name string, limit int64) ([]byte, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is a %s: %w", name, kind(info.Mode()), ErrNotRegular)
	}
	return io.ReadAll(io.LimitReader(ctxReader{ctx, f}, limit))
}

// kind names a non-regular file type for messages.
func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&os.ModeNamedPipe != 0:
		return "named pipe (FIFO)"
	case m&os.ModeSocket != 0:
		return "socket"
	case m&os.ModeDevice != 0:
		return "device"
	case m&os.ModeSymlink != 0:
		return "symbolic link"
	}
	return "special file"
}

// ctxReader reads from r until ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
