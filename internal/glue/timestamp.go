package glue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Timestamp is a timestamp member of a Glue shape. AWS JSON 1.1 sends
// timestamps as epoch seconds with millisecond precision, a JSON number, and
// so does a Timestamp's MarshalJSON: the wire needs no rewriting, and
// stored documents (format version 2, see store.DocVersion) hold the same
// numbers. UnmarshalJSON also reads RFC 3339 strings, the form of version 1
// documents and one that requests may use.
//
// A Timestamp embeds time.Time, so its methods (IsZero, Before, Sub, ...)
// read as they do on a time. Make one with At: it keeps the precision the
// encoding keeps (UTC, whole milliseconds), so a value read back from the
// store or the wire equals the one written.
type Timestamp struct{ time.Time }

// At returns t as a Timestamp: in UTC, truncated to the millisecond. The
// zero time gives the zero Timestamp, which omitzero members leave out.
func At(t time.Time) Timestamp {
	if t.IsZero() {
		return Timestamp{}
	}
	return Timestamp{t.Truncate(time.Millisecond).UTC()}
}

// MarshalJSON writes the timestamp as epoch seconds with millisecond
// precision (see EpochSeconds).
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return []byte(EpochSeconds(t.Time)), nil
}

// UnmarshalJSON reads epoch seconds (a JSON number, with a fraction or an
// exponent or neither) or an RFC 3339 string; null leaves t unchanged.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	switch {
	case bytes.Equal(b, []byte("null")):
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return fmt.Errorf("timestamp %q is neither epoch seconds nor RFC 3339", s)
		}
		*t = At(v)
		return nil
	}
	secs, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(secs, 0) || math.Abs(secs) > maxEpochSeconds {
		return fmt.Errorf("timestamp %s is neither epoch seconds nor RFC 3339", b)
	}
	*t = At(time.UnixMilli(int64(math.Round(secs * 1000))))
	return nil
}

// maxEpochSeconds bounds the epoch seconds a Timestamp reads: the end of
// year 9999, the last RFC 3339 can write.
const maxEpochSeconds = 253402300799

// EpochSeconds renders t as AWS JSON timestamps are sent: seconds since the
// epoch as a plain decimal number with millisecond precision.
func EpochSeconds(t time.Time) json.Number {
	ms := t.UnixMilli()
	sign := ""
	if ms < 0 {
		sign, ms = "-", -ms
	}
	sec, frac := ms/1000, ms%1000
	if frac == 0 {
		return json.Number(sign + strconv.FormatInt(sec, 10))
	}
	return json.Number(fmt.Sprintf("%s%d.%03d", sign, sec, frac))
}
