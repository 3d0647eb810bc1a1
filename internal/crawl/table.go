package crawl

import (
	"strconv"
	"strings"

	"github.com/epoxy-run/epoxy/internal/crawl/infer"
	"github.com/epoxy-run/epoxy/internal/glue"
)

// Formats and SerDes Glue writes.
const (
	textInput        = "org.apache.hadoop.mapred.TextInputFormat"
	textOutput       = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
	lazySimpleSerDe  = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
	openxJSONSerDe   = "org.openx.data.jsonserde.JsonSerDe"
	parquetSerDe     = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
	parquetInput     = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
	parquetOutput    = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
	openCSVSerDe     = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
	grokSerDe        = "com.amazonaws.glue.serde.GrokSerDe"
	avroSerDe        = "org.apache.hadoop.hive.serde2.avro.AvroSerDe"
	avroInput        = "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat"
	avroOutput       = "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat"
	xmlSerDe         = "com.ibm.spss.hive.serde2.xml.XmlSerDe"
	xmlInput         = "com.ibm.spss.hive.serde2.xml.XmlInputFormat"
	ignoreKeyOutput  = "org.apache.hadoop.hive.ql.io.IgnoreKeyTextOutputFormat"
	externalTable    = "EXTERNAL_TABLE"
	crawlerSchemaVer = "1.0"
)

// columnsOf returns a schema's columns as catalog columns.
func columnsOf(s *infer.Schema) []glue.Column {
	out := make([]glue.Column, len(s.Columns))
	for i, f := range s.Columns {
		out[i] = glue.Column{Name: f.Name, Type: f.Type.String()}
	}
	return out
}

// parameters are the table (and storage descriptor) parameters Glue's
// crawler writes for a schema of objects files totalling size bytes.
func parameters(crawler string, s *infer.Schema, objects int, size, raw int64) map[string]string {
	p := map[string]string{
		"classification":                   s.Classification,
		"compressionType":                  s.Compression,
		"typeOfData":                       "file",
		"objectCount":                      strconv.Itoa(objects),
		"sizeKey":                          strconv.FormatInt(size, 10),
		"UPDATED_BY_CRAWLER":               crawler,
		"CrawlerSchemaDeserializerVersion": crawlerSchemaVer,
		"CrawlerSchemaSerializerVersion":   crawlerSchemaVer,
	}
	if s.Records > 0 {
		avg := max(raw/s.Records, 1)
		p["averageRecordSize"] = strconv.FormatInt(avg, 10)
		p["recordCount"] = strconv.FormatInt(max(size/avg, s.Records), 10)
	}
	for _, k := range []string{"jsonPath", "rowTag"} {
		if v, ok := s.Options[k]; ok {
			p[k] = v
		}
	}
	if s.Reader() == infer.CSV {
		p["delimiter"] = s.Delimiter
		p["areColumnsQuoted"] = strconv.FormatBool(s.Quoted)
		p["columnsOrdered"] = "true"
		if s.Header {
			p["skip.header.line.count"] = "1"
		}
	}
	return p
}

// storage is the storage descriptor Glue writes for a schema at loc.
func storage(s *infer.Schema, loc string, params map[string]string) *glue.StorageDescriptor {
	serde, in, out := serdeOf(s)
	return &glue.StorageDescriptor{Columns: columnsOf(s), Location: ptr(loc), InputFormat: ptr(in),
		OutputFormat: ptr(out), Compressed: s.Compression != "none", NumberOfBuckets: -1, SerdeInfo: serde,
		Parameters: params}
}

// serdeOf is the SerDe and input and output formats that read data of the
// schema's format.
func serdeOf(s *infer.Schema) (*glue.SerDeInfo, string, string) {
	switch s.Reader() {
	case infer.JSON:
		names := make([]string, len(s.Columns))
		for i, f := range s.Columns {
			names[i] = f.Name
		}
		return serde(openxJSONSerDe, "paths", strings.Join(names, ",")), textInput, textOutput
	case infer.Parquet:
		return serde(parquetSerDe, "serialization.format", "1"), parquetInput, parquetOutput
	case infer.Avro:
		return serde(avroSerDe, "serialization.format", "1"), avroInput, avroOutput
	case infer.Grok:
		sd := serde(grokSerDe, "input.format", s.Options["input.format"])
		if c := s.Options["input.grokCustomPatterns"]; c != "" {
			sd.Parameters["input.grokCustomPatterns"] = c
		}
		return sd, textInput, textOutput
	case infer.XML:
		tag := s.Options["rowTag"]
		sd := serde(xmlSerDe, "xmlinput.start", "<"+tag)
		sd.Parameters["xmlinput.end"] = "</" + tag + ">"
		return sd, xmlInput, ignoreKeyOutput
	case infer.CSV:
		if s.Options["serde"] == "OpenCSVSerDe" {
			sd := serde(openCSVSerDe, "separatorChar", s.Delimiter)
			sd.Parameters["quoteChar"] = s.Options["quoteChar"]
			return sd, textInput, textOutput
		}
	}
	return serde(lazySimpleSerDe, "field.delim", s.Delimiter), textInput, textOutput
}

func serde(lib, key, value string) *glue.SerDeInfo {
	return &glue.SerDeInfo{SerializationLibrary: ptr(lib), Parameters: map[string]string{key: value}}
}

// table builds the table of a dataset.
func (d *dataset) table(crawler, prefix string) *glue.Table {
	objects, size, raw := 0, int64(0), int64(0)
	for _, l := range d.leaves {
		objects, size, raw = objects+l.files, size+l.size, raw+l.raw
	}
	params := parameters(crawler, d.schema, objects, size, raw)
	keys := []glue.Column{}
	for _, k := range d.partitionKeys() {
		keys = append(keys, glue.Column{Name: k, Type: "string"})
	}
	return &glue.Table{Name: d.tableName(prefix), StorageDescriptor: storage(d.schema, location(d.target, d.root), params),
		PartitionKeys: keys, TableType: ptr(externalTable), Parameters: params, Retention: 0}
}

// partitions builds the partitions of a dataset: one per leaf at the
// partition depth, with its own statistics.
func (d *dataset) partitions(crawler string) []*glue.Partition {
	depth := d.partitionDepth()
	if depth == 0 {
		return nil
	}
	var out []*glue.Partition
	for _, l := range d.leaves {
		segs := d.segments(l)
		if len(segs) != depth {
			continue
		}
		params := parameters(crawler, l.schema, l.files, l.size, l.raw)
		s := *d.schema
		s.Compression = l.schema.Compression
		out = append(out, &glue.Partition{Values: partitionValues(segs),
			StorageDescriptor: storage(&s, location(d.target, l.dir), params), Parameters: params})
	}
	return out
}

func ptr[T any](v T) *T { return &v }
