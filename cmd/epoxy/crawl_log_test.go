package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// logsCall posts a CloudWatch Logs request as the AWS SDKs do and decodes
// the answer into out.
func logsCall(t *testing.T, b *testBundle, op string, in any, out any) {
	t.Helper()
	body, err := json.Marshal(in)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, b.url+"/", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "Logs_20140328."+op)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
}

// Ensure a crawl writes its log to its crawler's stream, each line
// prefixed by the crawl's id: what it read, the file it could not
// classify, the table it created and its end; `epoxy logs <crawler>`
// prints it, and the Logs API serves it as the stream named after the
// crawler in /aws-glue/crawlers, where ListCrawls points.
func TestCrawl_Log(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	root := t.TempDir()
	writeTree(t, root, map[string]string{"items/a.csv": "id,name\n1,a\n2,b\n", "items/blob.bin": "\x00\x01\x02"})
	createDatabase(t, b, "logged")
	_, err := b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String("daily/items"), Role: aws.String(runRole),
		DatabaseName: aws.String("logged"), Targets: &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: aws.String(root)}}}})
	require.NoError(t, err)
	c := crawlOnce(t, b, "daily/items")
	require.Equal(t, types.LastCrawlStatusSucceeded, c.LastCrawl.Status, aws.ToString(c.LastCrawl.ErrorMessage))
	crawls := listCrawls(t, b, "daily/items")
	require.Len(t, crawls, 1)
	id := aws.ToString(crawls[0].CrawlId)
	require.Equal(t, "/aws-glue/crawlers", aws.ToString(crawls[0].LogGroup))
	require.Equal(t, "daily/items", aws.ToString(crawls[0].LogStream))
	require.Equal(t, id, aws.ToString(c.LastCrawl.MessagePrefix), "GetCrawler's LastCrawl names the prefix of the crawl's lines")

	out, _, err := runCLI(t, "logs", "--data", b.cfg.DataDir, "daily/items")
	require.NoError(t, err)
	for _, want := range []string{
		"[" + id + "] BENCHMARK : Running Start Crawl for Crawler daily/items",
		"[" + id + "] INFO : Crawling S3 target " + root,
		"[" + id + "] WARN : " + root + "/items/blob.bin: no classifier recognises the file",
		"[" + id + "] INFO : Created table ",
		"[" + id + "] BENCHMARK : Finished crawl: 2 files in 1 folders, 1 not classified; tables created 1, updated 0, deleted 0",
	} {
		require.Contains(t, out, want)
	}
	_, _, err = runCLI(t, "logs", "--data", b.cfg.DataDir, "no-such-crawler")
	require.ErrorContains(t, err, `no logs for job run or crawler "no-such-crawler"`)

	var groups struct {
		LogGroups []struct{ LogGroupName string }
	}
	logsCall(t, b, "DescribeLogGroups", map[string]any{}, &groups)
	require.Equal(t, "/aws-glue/crawlers", groups.LogGroups[0].LogGroupName)
	var streams struct {
		LogStreams []struct{ LogStreamName string }
	}
	logsCall(t, b, "DescribeLogStreams", map[string]any{"logGroupName": "/aws-glue/crawlers"}, &streams)
	require.Len(t, streams.LogStreams, 1)
	require.Equal(t, "daily/items", streams.LogStreams[0].LogStreamName)
	var events struct{ Events []struct{ Message string } }
	logsCall(t, b, "GetLogEvents", map[string]any{"logGroupName": "/aws-glue/crawlers", "logStreamName": "daily/items",
		"startFromHead": true}, &events)
	require.NotEmpty(t, events.Events)
	require.Equal(t, "["+id+"] BENCHMARK : Running Start Crawl for Crawler daily/items", events.Events[0].Message)
	var filtered struct{ Events []struct{ Message string } }
	logsCall(t, b, "FilterLogEvents", map[string]any{"logGroupName": "/aws-glue/crawlers", "filterPattern": `"Created table"`}, &filtered)
	require.Len(t, filtered.Events, 1)
	require.True(t, strings.HasPrefix(filtered.Events[0].Message, "["+id+"] INFO : Created table "))
}
