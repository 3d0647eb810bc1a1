package infer_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/crawl/infer"
)

func TestCSVClassifier(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		c      infer.CSVClassifier
		data   string
		header bool
		cols   []string // nil: not recognised
	}{
		{name: "defaults detect the header", data: "id,name\n1,a\n2,b\n", header: true, cols: []string{"id:bigint", "name:string"}},
		{name: "custom delimiter and quote", c: infer.CSVClassifier{Delimiter: '#', Quote: '\'', ContainsHeader: "PRESENT"},
			data: "k#v\n'a#b'#1\n'it''s'#2\n", header: true, cols: []string{"k:string", "v:bigint"}},
		{name: "header present though all strings", c: infer.CSVClassifier{ContainsHeader: "PRESENT"},
			data: "a,b\nx,y\n", header: true, cols: []string{"a:string", "b:string"}},
		{name: "header absent though it looks like one", c: infer.CSVClassifier{ContainsHeader: "ABSENT"},
			data: "a,b\n1,2\n", cols: []string{"col0:string", "col1:string"}},
		{name: "Header names the columns", c: infer.CSVClassifier{ContainsHeader: "ABSENT", Header: []string{"Left", "Right"}},
			data: "1,2\n3,4\n", cols: []string{"left:bigint", "right:bigint"}},
		{name: "one column refused", data: "a\n1\n"},
		{name: "one column allowed", c: infer.CSVClassifier{SingleColumn: true, ContainsHeader: "PRESENT"},
			data: "a\n1\n", header: true, cols: []string{"a:bigint"}},
		{name: "ragged rows refused", data: "a,b\n1,2,3\n"},
		{name: "an unclosed quote refused", data: "a,b\n\"1,2\n"},
		{name: "values trimmed by default", c: infer.CSVClassifier{ContainsHeader: "PRESENT"},
			data: "a,b\n 1 , x\n", header: true, cols: []string{"a:bigint", "b:string"}},
		{name: "DisableValueTrimming types spaced numbers as strings", c: infer.CSVClassifier{ContainsHeader: "PRESENT", NoTrim: true},
			data: "a,b\n 1 ,2\n", header: true, cols: []string{"a:string", "b:bigint"}},
		{name: "custom datatypes: narrowest allowed", c: infer.CSVClassifier{ContainsHeader: "PRESENT", Types: []string{"INT", "FLOAT", "DATE"}},
			data: "n,big,f,d,s\n1,9999999999,1.5,2024-01-02,x\n2,1,2,2024-02-03,y\n", header: true,
			cols: []string{"n:int", "big:float", "f:float", "d:date", "s:string"}},
		{name: "custom datatypes without a number type", c: infer.CSVClassifier{ContainsHeader: "PRESENT", Types: []string{"BOOLEAN"}},
			data: "n,b\n1,true\n", header: true, cols: []string{"n:string", "b:boolean"}},
		{name: "quoted line breaks and blank lines", c: infer.CSVClassifier{ContainsHeader: "PRESENT"},
			data: "a,b\n\n\"x\ny\",1\r\n", header: true, cols: []string{"a:string", "b:bigint"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := tc.c.Classify([]byte(tc.data))
			if tc.cols == nil {
				require.ErrorIs(t, err, infer.ErrUnknown)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.cols, columns(s))
			require.Equal(t, tc.header, s.Header)
			require.Equal(t, "csv", s.Classification)
		})
	}
}

func TestJSONClassifier(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, data string
		records          int64
		cols             []string // nil: not recognised
	}{
		{name: "records in a member array", path: "$.records[*]", data: `{"meta":{"n":2},"records":[{"id":1,"x":"a"},{"id":2,"y":true}]}`,
			records: 2, cols: []string{"id:bigint", "x:string", "y:boolean"}},
		{name: "bracket names", path: "$['data']['rows'][*]", data: `{"data":{"rows":[{"a":1.5}]}}`, records: 1, cols: []string{"a:double"}},
		{name: "top-level array", path: "$[*]", data: `[{"a":1},{"a":2}]`, records: 2, cols: []string{"a:bigint"}},
		{name: "one element by index", path: "$.rows[1]", data: `{"rows":[{"a":1},{"b":"x"}]}`, records: 1, cols: []string{"b:string"}},
		{name: "each JSON line", path: "$.payload", data: "{\"payload\":{\"k\":1}}\n{\"payload\":{\"k\":2,\"v\":[1]}}\n",
			records: 2, cols: []string{"k:bigint", "v:array<bigint>"}},
		{name: "wildcard over members", path: "$.*", data: `{"a":{"x":1},"b":{"x":2}}`, records: 2, cols: []string{"x:bigint"}},
		{name: "selects nothing", path: "$.missing[*]", data: `{"records":[{"a":1}]}`},
		{name: "selects scalars", path: "$.records[*]", data: `{"records":[1,2]}`},
		{name: "not JSON", path: "$[*]", data: "a,b\n1,2\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := infer.NewJSONClassifier(tc.path)
			require.NoError(t, err)
			s, err := c.Classify([]byte(tc.data))
			if tc.cols == nil {
				require.ErrorIs(t, err, infer.ErrUnknown)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.cols, columns(s))
			require.Equal(t, tc.records, s.Records)
			require.Equal(t, tc.path, s.Options["jsonPath"])
		})
	}
}

func TestJSONPathErrors(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"records[*]", "$..a", "$.", "$[x]", "$[-1]", "$['a'"} {
		_, err := infer.NewJSONClassifier(p)
		require.Error(t, err, p)
	}
}

func TestGrokClassifier(t *testing.T) {
	t.Parallel()
	apache := `127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08"` + "\n"
	tests := []struct {
		name, pattern, custom, data string
		cols                        []string // nil: not recognised
	}{
		{name: "typed fields", pattern: `%{IP:client} %{WORD:method} %{URIPATHPARAM:path} %{NUMBER:bytes:int} %{NUMBER:secs:double}`,
			data: "55.3.244.1 GET /index.html?x=1 15824 0.043\n10.0.0.2 POST /a 1 2\n",
			cols: []string{"client:string", "method:string", "path:string", "bytes:int", "secs:double"}},
		{name: "every cast", pattern: `%{INT:a:byte} %{INT:b:short} %{INT:c:long} %{NUMBER:d:float} %{WORD:e:boolean}`,
			data: "1 2 3 4.5 true\n", cols: []string{"a:tinyint", "b:smallint", "c:bigint", "d:float", "e:boolean"}},
		{name: "custom patterns", pattern: `%{TICKET:ticket} %{GREEDYDATA:text}`, custom: "# comment\nTICKET [A-Z]+-%{POSINT}\n",
			data: "ABC-12 it broke\n\nXY-3 again\n", cols: []string{"ticket:string", "text:string"}},
		{name: "nested built-in fields", pattern: `%{COMBINEDAPACHELOG}`, data: apache,
			cols: []string{"clientip:string", "ident:string", "auth:string", "timestamp:string", "verb:string", "request:string",
				"httpversion:string", "rawrequest:string", "response:string", "bytes:string", "referrer:string", "agent:string"}},
		{name: "syslog", pattern: `%{SYSLOGBASE} %{GREEDYDATA:message}`, data: "Mar  7 04:02:16 host1 sshd[123]: accepted\n",
			cols: []string{"timestamp:string", "logsource:string", "program:string", "pid:string", "message:string"}},
		{name: "iso timestamps and levels", pattern: `%{TIMESTAMP_ISO8601:at} %{LOGLEVEL:level} %{GREEDYDATA:msg}`,
			data: "2024-01-02T03:04:05.123Z INFO started\n2024-01-02 03:04:06+02:00 WARN slow\n",
			cols: []string{"at:string", "level:string", "msg:string"}},
		{name: "a line that does not match", pattern: `%{INT:n}`, data: "1\nx\n"},
		{name: "no lines", pattern: `%{INT:n}`, data: "\n\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, err := infer.NewGrokClassifier("logs", tc.pattern, tc.custom)
			require.NoError(t, err)
			s, err := g.Classify([]byte(tc.data))
			if tc.cols == nil {
				require.ErrorIs(t, err, infer.ErrUnknown)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.cols, columns(s))
			require.Equal(t, "logs", s.Classification)
			require.Equal(t, infer.Grok, s.Format)
			require.Equal(t, tc.pattern, s.Options["input.format"])
		})
	}
}

func TestGrokErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ pattern, custom, want string }{
		{`%{NOPE:x}`, "", "no pattern named NOPE"},
		{`%{INT:x:decimal}`, "", "field x has type decimal"},
		{`%{A}`, "A %{B}\nB %{A}", "nest more than"},
		{`%{A}`, "A", "is not a pattern name followed by a pattern"},
		{`(`, "", "GrokPattern"},
	}
	for _, tc := range tests {
		_, err := infer.NewGrokClassifier("c", tc.pattern, tc.custom)
		require.ErrorContains(t, err, tc.want, tc.pattern)
	}
}

func TestXMLClassifier(t *testing.T) {
	t.Parallel()
	c := &infer.XMLClassifier{Classification: "books", RowTag: "book"}
	data := `<?xml version="1.0"?><catalog><book id="1"><title>Go</title><price>10.5</price><tag>a</tag><tag>b</tag>` +
		`<author><name>Ann</name></author></book><book id="2" lang="en"></book><book id="3"><title>Part`
	s, err := c.Classify([]byte(data))
	require.NoError(t, err)
	require.Equal(t, int64(2), s.Records)
	require.Equal(t, []string{"_id:bigint", "title:string", "price:double", "tag:array<string>", "author:struct<name:string>", "_lang:string"}, columns(s))
	require.Equal(t, "books", s.Classification)
	require.Equal(t, "book", s.Options["rowTag"])

	_, err = (&infer.XMLClassifier{Classification: "x", RowTag: "row"}).Classify([]byte(data))
	require.ErrorIs(t, err, infer.ErrUnknown)
	_, err = (&infer.XMLClassifier{Classification: "x", RowTag: "row"}).Classify([]byte("a,b\n1,2\n"))
	require.ErrorIs(t, err, infer.ErrUnknown)
}

func TestClassifyWithCustomFirst(t *testing.T) {
	t.Parallel()
	grok, err := infer.NewGrokClassifier("pairs", `%{WORD:k},%{INT:v:int}`, "")
	require.NoError(t, err)
	other, err := infer.NewGrokClassifier("never", `%{IP:ip}`, "")
	require.NoError(t, err)
	data := []byte("a,1\nb,2\n")
	s, err := infer.ClassifyWith("a.csv", data, true, []infer.Classifier{other, grok})
	require.NoError(t, err)
	require.Equal(t, "pairs", s.Classification, "the first custom classifier that recognises the data decides")
	require.Equal(t, []string{"k:string", "v:int"}, columns(s))

	s, err = infer.ClassifyWith("a.csv", data, true, []infer.Classifier{other})
	require.NoError(t, err)
	require.Equal(t, "csv", s.Classification, "the built-in classifiers follow the custom ones")
	require.Empty(t, s.Format)

	var failing infer.Classifier = errClassifier{}
	_, err = infer.ClassifyWith("a.csv", data, true, []infer.Classifier{failing})
	require.False(t, errors.Is(err, infer.ErrUnknown))
}

// errClassifier fails with an error other than ErrUnknown.
type errClassifier struct{}

func (errClassifier) Classify([]byte) (*infer.Schema, error) { return nil, errors.New("broken") }

// benchSample is about 1 MiB (a crawl's sample) of lines made by line.
func benchSample(line func(i int) string) []byte {
	var b strings.Builder
	for i := 0; b.Len() < 1<<20; i++ {
		b.WriteString(line(i))
	}
	return []byte(b.String())
}

func BenchmarkGrokClassify(b *testing.B) {
	g, err := infer.NewGrokClassifier("apache", `%{COMBINEDAPACHELOG}`, "")
	require.NoError(b, err)
	data := benchSample(func(i int) string {
		return fmt.Sprintf(`10.0.%d.%d - - [10/Oct/2000:13:55:36 -0700] "GET /p/%d HTTP/1.1" 200 %d "-" "Mozilla/5.0"`+"\n", i%250, i%200, i, i)
	})
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := g.Classify(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCSVClassifier(b *testing.B) {
	c := &infer.CSVClassifier{Delimiter: '|', ContainsHeader: infer.HeaderAbsent, Types: []string{"INT", "DOUBLE", "DATE"}}
	data := benchSample(func(i int) string { return fmt.Sprintf("%d|'item %d'|%d.5|2024-01-02\n", i, i, i) })
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := c.Classify(data); err != nil {
			b.Fatal(err)
		}
	}
}

// Ensure a Grok classifier matches the first 1000 non-blank lines and
// counts the others as records.
func TestGrokMatchesTheFirstThousandLines(t *testing.T) {
	t.Parallel()
	g, err := infer.NewGrokClassifier("n", `%{INT:n:int}`, "")
	require.NoError(t, err)
	data := strings.Repeat("1\n", 1000) + "not a number\n"
	s, err := g.Classify([]byte(data))
	require.NoError(t, err)
	require.Equal(t, int64(1001), s.Records)
	_, err = g.Classify([]byte(strings.Repeat("1\n", 999) + "not a number\n"))
	require.ErrorIs(t, err, infer.ErrUnknown)
}
