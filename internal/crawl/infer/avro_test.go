package infer_test

import (
	"bytes"
	"testing"

	"github.com/hamba/avro/v2/ocf"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/crawl/infer"
)

const avroSchema = `{"type":"record","name":"Order","namespace":"shop","fields":[
 {"name":"id","type":"long"},
 {"name":"qty","type":"int"},
 {"name":"note","type":["null","string"],"default":null},
 {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
 {"name":"day","type":{"type":"int","logicalType":"date"}},
 {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"tags","type":{"type":"array","items":"string"}},
 {"name":"attrs","type":{"type":"map","values":"double"}},
 {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","DONE"]}},
 {"name":"either","type":["int","string"]},
 {"name":"ok","type":"boolean"},
 {"name":"next","type":["null","Order"],"default":null},
 {"name":"customer","type":{"type":"record","name":"Customer","fields":[{"name":"name","type":"string"},{"name":"score","type":"float"}]}}
]}`

// avroFile encodes n records with the schema above, in blocks of one.
func avroFile(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc, err := ocf.NewEncoder(avroSchema, &buf, ocf.WithBlockLength(1))
	require.NoError(t, err)
	for i := range n {
		require.NoError(t, enc.Encode(map[string]any{"id": int64(i), "qty": 1, "note": nil, "price": []byte{0x01},
			"day": 0, "at": int64(0), "tags": []any{"a"}, "attrs": map[string]any{"w": 1.5}, "status": "NEW",
			"either": map[string]any{"int": 3}, "ok": true, "next": nil,
			"customer": map[string]any{"name": "x", "score": float32(1)}}))
	}
	require.NoError(t, enc.Close())
	return buf.Bytes()
}

func TestClassifyAvro(t *testing.T) {
	t.Parallel()
	data := avroFile(t, 3)
	require.True(t, infer.IsAvro(data))
	s, err := infer.ClassifyAvro(data)
	require.NoError(t, err)
	require.Equal(t, "avro", s.Classification)
	require.Equal(t, int64(3), s.Records)
	require.Equal(t, []string{"id:bigint", "qty:int", "note:string", "price:decimal(9,2)", "day:date", "at:timestamp",
		"tags:array<string>", "attrs:map<string,double>", "status:string", "either:uniontype<int,string>", "ok:boolean",
		"next:string", "customer:struct<name:string,score:float>"}, columns(s))

	cut, err := infer.ClassifyAvro(data[:len(data)-10])
	require.NoError(t, err)
	require.Equal(t, int64(2), cut.Records, "a truncated sample's partial block is not counted")

	_, err = infer.ClassifyAvro([]byte("Obj\x01garbage"))
	require.ErrorIs(t, err, infer.ErrUnknown)
	require.False(t, infer.IsAvro([]byte("id,name\n")))
}
