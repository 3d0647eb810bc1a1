package s3server

import (
	"path/filepath"
	"strings"

	"github.com/johannesboyne/gofakes3"

	"github.com/epoxy-run/epoxy/internal/safefs"
)

// maxSegment is the longest element of a key between slashes: a file
// name can be no longer on common file systems.
const maxSegment = 255

// keyPath returns the path, relative to its bucket's directory, of the
// file that holds the object key. Every element of the key between
// slashes must be a safe file name (safefs.Name): no empty element (so no
// leading, trailing or double slash), no "." or "..", no backslash or NUL.
// Such keys are valid in S3, but have no file of their own here.
func keyPath(key string) (string, error) {
	if len(key) > gofakes3.KeySizeLimit {
		return "", gofakes3.ResourceError(gofakes3.ErrKeyTooLong, key)
	}
	for _, seg := range strings.Split(key, "/") {
		if err := safefs.Name(seg); err != nil {
			return "", gofakes3.ErrorMessagef(gofakes3.ErrInvalidArgument,
				"Key %q cannot be stored by Epoxy's S3: every part between slashes must be a file name (not empty, not . or .., without a backslash or NUL)", key)
		}
		if len(seg) > maxSegment {
			return "", gofakes3.ErrorMessagef(gofakes3.ErrKeyTooLong,
				"Key %q has a part between slashes longer than %d bytes", key, maxSegment)
		}
	}
	return filepath.FromSlash(key), nil
}

// validBucket reports whether name is a bucket name S3 accepts; no such
// name starts with a dot, so Epoxy's own directories (.meta, .tmp,
// .uploads) are never buckets.
func validBucket(name string) bool {
	return gofakes3.ValidateBucketName(name) == nil
}
