package infer_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/crawl/infer"
)

type inner struct {
	City string `parquet:"city"`
	Zip  int32  `parquet:"zip"`
}

type record struct {
	ID     int64            `parquet:"id"`
	Name   string           `parquet:"name"`
	Score  float64          `parquet:"score,optional"`
	Ratio  float32          `parquet:"ratio"`
	OK     bool             `parquet:"ok"`
	Tags   []string         `parquet:"tags,list"`
	Raw    []byte           `parquet:"raw"`
	When   time.Time        `parquet:"when,timestamp(millisecond)"`
	Attrs  map[string]int64 `parquet:"attrs"`
	Addr   inner            `parquet:"addr"`
	Amount int32            `parquet:"amount,decimal(2:9)"`
}

func TestClassifyParquet(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[record](&buf)
	_, err := w.Write([]record{{ID: 1, Name: "a", Tags: []string{"x"}}, {ID: 2, Name: "b"}, {ID: 3}})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.True(t, infer.IsParquet(buf.Bytes()))

	s, err := infer.ClassifyParquet(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	require.Equal(t, "parquet", s.Classification)
	require.Equal(t, int64(3), s.Records)
	require.Equal(t, []string{"id:bigint", "name:string", "score:double", "ratio:float", "ok:boolean", "tags:array<string>",
		"raw:binary", "when:timestamp", "attrs:map<string,bigint>", "addr:struct<city:string,zip:int>", "amount:decimal(9,2)"}, columns(s))

	_, err = infer.ClassifyParquet(bytes.NewReader([]byte("PAR1 not really")), 15)
	require.ErrorIs(t, err, infer.ErrUnknown)
}
