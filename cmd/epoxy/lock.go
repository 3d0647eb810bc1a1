package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// lockFileName is the lock file in the data directory. It is never
// removed: removing it would let a second process lock a new file while the
// first still holds the old one.
const lockFileName = "epoxy.lock"

// dataLock is an exclusive flock(2) on DataDir/epoxy.lock, held for the
// life of the process that owns the data directory. The kernel releases it
// when the process exits, however it exits (kill -9 included).
type dataLock struct{ f *os.File }

// errDataDirInUse is returned when another process holds the data
// directory's lock.
var errDataDirInUse = errors.New("data directory in use")

// lockDataDir takes the data directory's lock without waiting and writes
// the holder's pid and endpoint into the file, so that a process refused
// the lock can name the one holding it.
func lockDataDir(dir, endpoint string) (*dataLock, error) {
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := describeHolder(f)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s is used by another epoxy (%s); stop it, point clients at it, or choose another --data",
				errDataDirInUse, dir, holder)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := writeHolder(f, endpoint); err != nil {
		f.Close()
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &dataLock{f: f}, nil
}

// writeHolder replaces the lock file's content with this process's pid
// and endpoint.
func writeHolder(f *os.File, endpoint string) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(fmt.Sprintf("pid %d\nendpoint %s\n", os.Getpid(), endpoint)), 0)
	return err
}

// describeHolder reads the pid and endpoint the lock's holder wrote, as
// "pid 123, endpoint http://...". The holder may not have written them yet.
func describeHolder(f *os.File) string {
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 4096))
	if err != nil || len(b) == 0 {
		return "pid unknown"
	}
	var parts []string
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			parts = append(parts, line)
		}
	}
	return strings.Join(parts, ", ")
}

// Release gives up the lock. It is safe on a nil lock. It unlocks before
// closing: a child process forked in the meantime and not yet exec'd
// shares the lock file's description, and closing alone would leave the
// lock held until that child execs.
func (l *dataLock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	err := l.f.Close()
	l.f = nil
	return err
}
