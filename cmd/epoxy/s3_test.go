package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"
)

// builtinS3 returns an S3 client for Epoxy's built-in S3 at url, signing
// with the given key, path-style as Epoxy's S3 is addressed.
func builtinS3(url, id, secret string) *s3.Client {
	return s3.New(s3.Options{BaseEndpoint: aws.String(url), UsePathStyle: true, Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(id, secret, "")})
}

// requireS3Code asserts that err is an S3 error with code.
func requireS3Code(t *testing.T, err error, code string) {
	t.Helper()
	var apiErr smithy.APIError
	require.True(t, errors.As(err, &apiErr), "not an API error: %v", err)
	require.Equal(t, code, apiErr.ErrorCode(), "message: %s", apiErr.ErrorMessage())
}

func getBody(t *testing.T, c *s3.Client, bucket, key string, rng *string) string {
	t.Helper()
	out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: &bucket, Key: &key, Range: rng})
	require.NoError(t, err)
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	return string(b)
}

func TestS3BucketsAndObjects(t *testing.T) {
	b := setup(t)
	c, ctx := builtinS3(b.url, "AKIDTEST", "secret"), context.Background()

	_, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("data")})
	var nf *s3types.NotFound
	require.ErrorAs(t, err, &nf, "HeadBucket of a missing bucket is 404")
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("data")})
	require.NoError(t, err)
	_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("data"), ExpectedBucketOwner: aws.String(b.cfg.AccountID)})
	require.NoError(t, err)
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("Bad_Name")})
	requireS3Code(t, err, "InvalidBucketName")
	buckets, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err)
	require.Len(t, buckets.Buckets, 1)
	require.Equal(t, "data", aws.ToString(buckets.Buckets[0].Name))

	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("in/a.csv"),
		Body: strings.NewReader("id,name\n1,x\n"), ContentType: aws.String("text/csv"), Metadata: map[string]string{"origin": "test"}})
	require.NoError(t, err)
	require.Equal(t, "id,name\n1,x\n", getBody(t, c, "data", "in/a.csv", nil))
	require.Equal(t, "name", getBody(t, c, "data", "in/a.csv", aws.String("bytes=3-6")))
	require.Equal(t, "x\n", getBody(t, c, "data", "in/a.csv", aws.String("bytes=-2")))
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("data"), Key: aws.String("in/a.csv")})
	require.NoError(t, err)
	require.Equal(t, int64(12), aws.ToInt64(head.ContentLength))
	require.Equal(t, "text/csv", aws.ToString(head.ContentType))
	require.Equal(t, "test", head.Metadata["origin"])

	// The object is a plain file of the data directory.
	onDisk, err := os.ReadFile(filepath.Join(b.cfg.DataDir, "s3", "data", "in", "a.csv"))
	require.NoError(t, err)
	require.Equal(t, "id,name\n1,x\n", string(onDisk))

	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("data"), Key: aws.String("out/copy.csv"), CopySource: aws.String("data/in/a.csv")})
	require.NoError(t, err)
	require.Equal(t, "id,name\n1,x\n", getBody(t, c, "data", "out/copy.csv", nil))

	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("missing")})
	var nsk *s3types.NoSuchKey
	require.ErrorAs(t, err, &nsk)
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("data"), Key: aws.String("out/copy.csv")})
	require.NoError(t, err)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("data"), Key: aws.String("out/copy.csv")})
	require.ErrorAs(t, err, &nf)
	require.NoDirExists(t, filepath.Join(b.cfg.DataDir, "s3", "data", "out"), "emptied folders go with their last object")

	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("data")})
	requireS3Code(t, err, "BucketNotEmpty")
}

func putKeys(t *testing.T, c *s3.Client, bucket string, keys ...string) {
	t.Helper()
	for _, k := range keys {
		_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(k), Body: strings.NewReader(k)})
		require.NoError(t, err, k)
	}
}

// listAll pages through ListObjectsV2 with page size n and returns the
// keys and common prefixes of every page, in order.
func listAll(t *testing.T, c *s3.Client, in *s3.ListObjectsV2Input, n int32) []string {
	t.Helper()
	in.MaxKeys = aws.Int32(n)
	var got []string
	p := s3.NewListObjectsV2Paginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Contents)+len(page.CommonPrefixes), int(n))
		for _, o := range page.Contents {
			got = append(got, aws.ToString(o.Key))
		}
		for _, cp := range page.CommonPrefixes {
			got = append(got, "PRE "+aws.ToString(cp.Prefix))
		}
	}
	return got
}

func TestS3ListObjectsV2(t *testing.T) {
	b := setup(t)
	c, ctx := builtinS3(b.url, "AKIDTEST", "secret"), context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("list")})
	require.NoError(t, err)
	// "a-b" sorts before "a/…" in S3 (byte order), although the file a-b
	// sorts after the directory a.
	putKeys(t, c, "list", "a/1", "a/2", "a-b", "b/x/1", "b/x/2", "b/y", "c", "d/e/f/g")

	all := []string{"a-b", "a/1", "a/2", "b/x/1", "b/x/2", "b/y", "c", "d/e/f/g"}
	for _, n := range []int32{1, 2, 3, 1000} {
		require.Equal(t, all, listAll(t, c, &s3.ListObjectsV2Input{Bucket: aws.String("list")}, n), "page size %d", n)
	}
	require.Equal(t, []string{"b/x/1", "b/x/2", "b/y"}, listAll(t, c, &s3.ListObjectsV2Input{Bucket: aws.String("list"), Prefix: aws.String("b/")}, 2))

	for _, n := range []int32{1, 2, 1000} {
		got := listAll(t, c, &s3.ListObjectsV2Input{Bucket: aws.String("list"), Delimiter: aws.String("/")}, n)
		require.ElementsMatch(t, []string{"a-b", "c", "PRE a/", "PRE b/", "PRE d/"}, got, "page size %d", n)
		got = listAll(t, c, &s3.ListObjectsV2Input{Bucket: aws.String("list"), Prefix: aws.String("b/"), Delimiter: aws.String("/")}, n)
		require.ElementsMatch(t, []string{"b/y", "PRE b/x/"}, got, "page size %d", n)
	}
	out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("list"), StartAfter: aws.String("b/x/2")})
	require.NoError(t, err)
	require.Len(t, out.Contents, 3)
	require.Equal(t, "b/y", aws.ToString(out.Contents[0].Key))

	del, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("list"), Delete: &s3types.Delete{
		Objects: []s3types.ObjectIdentifier{{Key: aws.String("a/1")}, {Key: aws.String("b/x/1")}, {Key: aws.String("never")}}}})
	require.NoError(t, err)
	require.Len(t, del.Deleted, 3)
	require.Equal(t, []string{"a-b", "a/2", "b/x/2", "b/y", "c", "d/e/f/g"}, listAll(t, c, &s3.ListObjectsV2Input{Bucket: aws.String("list")}, 1000))
}

func TestS3MultipartUpload(t *testing.T) {
	b := setup(t)
	c, ctx := builtinS3(b.url, "AKIDTEST", "secret"), context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("big")})
	require.NoError(t, err)
	data := make([]byte, 11<<20)
	_, _ = rand.Read(data)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("big"), Key: aws.String("blob.bin")})
	require.NoError(t, err)
	var parts []s3types.CompletedPart
	for i, off := int32(1), 0; off < len(data); i, off = i+1, off+5<<20 {
		chunk := data[off:min(off+5<<20, len(data))]
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("big"), Key: aws.String("blob.bin"), UploadId: up.UploadId,
			PartNumber: aws.Int32(i), Body: bytes.NewReader(chunk)})
		require.NoError(t, err)
		parts = append(parts, s3types.CompletedPart{PartNumber: aws.Int32(i), ETag: out.ETag})
	}
	listed, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("big"), Key: aws.String("blob.bin"), UploadId: up.UploadId})
	require.NoError(t, err)
	require.Len(t, listed.Parts, 3)
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("big"), Key: aws.String("blob.bin"),
		UploadId: up.UploadId, MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{parts[1], parts[0]}}})
	requireS3Code(t, err, "InvalidPartOrder")
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("big"), Key: aws.String("blob.bin"),
		UploadId: up.UploadId, MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}})
	require.NoError(t, err)
	require.Equal(t, string(data), getBody(t, c, "big", "blob.bin", nil))
	require.Equal(t, string(data[6<<20:6<<20+10]), getBody(t, c, "big", "blob.bin", aws.String(fmt.Sprintf("bytes=%d-%d", 6<<20, 6<<20+9))))
	entries, err := os.ReadDir(filepath.Join(b.cfg.DataDir, "s3", ".uploads"))
	require.NoError(t, err)
	require.Empty(t, entries, "a completed upload leaves no parts behind")

	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("big"), Key: aws.String("blob.bin"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: bytes.NewReader([]byte("late"))})
	requireS3Code(t, err, "NoSuchUpload")
}

// TestS3KeysStayInside sends keys that would name files outside their
// bucket (or outside the data directory) if they were paths, raw and
// URL-encoded: none is stored outside, and none reads another file.
func TestS3KeysStayInside(t *testing.T) {
	b := setup(t)
	c, ctx := builtinS3(b.url, "AKIDTEST", "secret"), context.Background()
	for _, bk := range []string{"inside", "other"} {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
		require.NoError(t, err)
	}
	putKeys(t, c, "other", "secret.txt")
	for _, key := range []string{"../other/secret.txt", "a/../../other/secret.txt", "../../epoxy.db", "/abs", "a//b", "a/./b", "dir/", `a\..\b`} {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("inside"), Key: aws.String(key), Body: strings.NewReader("overwritten")})
		requireS3Code(t, err, "InvalidArgument")
		_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("inside"), Key: aws.String(key)})
		var nsk *s3types.NoSuchKey
		require.ErrorAs(t, err, &nsk, key)
	}
	for _, path := range []string{"/inside/..%2Fother%2Fsecret.txt", "/inside/%2E%2E/other/secret.txt", "/inside/../other/secret.txt",
		"/inside/%2e%2e%2f%2e%2e%2fepoxy.db"} {
		req, err := http.NewRequest(http.MethodPut, b.url+path, strings.NewReader("overwritten"))
		require.NoError(t, err)
		req.URL.RawPath, req.URL.Opaque = "", "//"+req.URL.Host+path
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, path)
		resp, err = http.Get(b.url + path)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusNotFound, resp.StatusCode, path)
	}
	require.Equal(t, "secret.txt", getBody(t, c, "other", "secret.txt", nil))
	entries, err := os.ReadDir(filepath.Join(b.cfg.DataDir, "s3", "inside"))
	require.NoError(t, err)
	require.Empty(t, entries)
}

func TestS3ObjectsSurviveRestart(t *testing.T) {
	cfg := testConfig(t)
	first := setupWith(t, cfg)
	c := builtinS3(first.url, "AKIDTEST", "secret")
	_, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("kept")})
	require.NoError(t, err)
	putKeys(t, c, "kept", "x/y.txt")
	first.srv.Close()
	require.NoError(t, first.app.Close())

	second := setupWith(t, cfg)
	require.Equal(t, "x/y.txt", getBody(t, builtinS3(second.url, "AKIDTEST", "secret"), "kept", "x/y.txt", nil))
}

func TestS3SigV4(t *testing.T) {
	b := setupAuth(t)
	ctx := context.Background()
	alice := builtinS3(b.url, "AKIDALICE", "alice-secret")
	_, err := alice.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("signed")})
	require.NoError(t, err)
	putKeys(t, alice, "signed", "k/one.txt")

	_, err = builtinS3(b.url, "AKIDALICE", "wrong").GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("signed"), Key: aws.String("k/one.txt")})
	requireS3Code(t, err, "SignatureDoesNotMatch")
	_, err = builtinS3(b.url, "AKIDNOBODY", "x").ListBuckets(ctx, &s3.ListBucketsInput{})
	requireS3Code(t, err, "InvalidAccessKeyId")
	anon := s3.New(s3.Options{BaseEndpoint: aws.String(b.url), UsePathStyle: true, Region: "us-east-1", Credentials: aws.AnonymousCredentials{}})
	_, err = anon.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("signed"), Key: aws.String("k/one.txt")})
	requireS3Code(t, err, "AccessDenied")
	skewed := s3.New(s3.Options{BaseEndpoint: aws.String(b.url), UsePathStyle: true, Region: "us-east-1", RetryMaxAttempts: 1,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDALICE", "alice-secret", ""),
		HTTPSignerV4: skewedSigner{skew: -time.Hour, v4: v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })}})
	_, err = skewed.ListBuckets(ctx, &s3.ListBucketsInput{})
	requireS3Code(t, err, "RequestTimeTooSkewed")

	// A presigned URL works without credentials, and not once altered.
	ps, err := s3.NewPresignClient(alice).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("signed"), Key: aws.String("k/one.txt")})
	require.NoError(t, err)
	status, body := fetchURL(t, ps.URL)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "k/one.txt", body)
	status, body = fetchURL(t, strings.Replace(ps.URL, "one.txt", "two.txt", 1))
	require.Equal(t, http.StatusForbidden, status)
	require.Contains(t, body, "<Code>SignatureDoesNotMatch</Code>")
}

func fetchURL(t *testing.T, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	return doRequest(t, req)
}

// doRequest sends req and returns the status and body of the response.
func doRequest(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// TestS3SigV4PayloadChecked sends a body other than the one whose SHA-256
// was signed: the upload is refused and nothing is stored.
func TestS3SigV4PayloadChecked(t *testing.T) {
	b := setupAuth(t)
	_, err := builtinS3(b.url, "AKIDALICE", "alice-secret").CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("signed")})
	require.NoError(t, err)
	signed := sha256.Sum256([]byte("good!"))
	req, err := http.NewRequest(http.MethodPut, b.url+"/signed/obj", strings.NewReader("evil!"))
	require.NoError(t, err)
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(signed[:]))
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	require.NoError(t, signer.SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKIDALICE", SecretAccessKey: "alice-secret"},
		req, hex.EncodeToString(signed[:]), "s3", "us-east-1", time.Now()))
	status, body := doRequest(t, req)
	require.Equal(t, http.StatusBadRequest, status, body)
	require.Contains(t, body, "<Code>BadDigest</Code>")
	require.NoFileExists(t, filepath.Join(b.cfg.DataDir, "s3", "signed", "obj"))
	tmp, err := os.ReadDir(filepath.Join(b.cfg.DataDir, "s3", ".tmp"))
	require.NoError(t, err)
	require.Empty(t, tmp)
}

const s3WriterScript = `import boto3
c = boto3.client("s3")
# Epoxy's AWS config file makes S3 requests path-style.
assert (c.meta.config.s3 or {}).get("addressing_style") == "path", c.meta.config.s3
c.create_bucket(Bucket="handoff")
c.put_object(Bucket="handoff", Key="stage/1/data.csv", Body=b"id,v\n1,a\n2,b\n")
`

const s3ReaderScript = `import boto3, sys
c = boto3.client("s3")
got = c.get_object(Bucket="handoff", Key="stage/1/data.csv")["Body"].read()
keys = [o["Key"] for o in c.list_objects_v2(Bucket="handoff", Prefix="stage/")["Contents"]]
if got != b"id,v\n1,a\n2,b\n" or keys != ["stage/1/data.csv"]:
    sys.exit("read %r, listed %r" % (got, keys))
print("read", len(got), "bytes")
`

// TestS3WorkflowJobsHandOffObjects runs a workflow whose first job writes
// an object with plain boto3.client("s3") and whose second job, its
// script itself on s3:// in the built-in S3, reads it back.
func TestS3WorkflowJobsHandOffObjects(t *testing.T) {
	requireBoto3(t)
	b := setup(t)
	ctx := context.Background()
	c := builtinS3(b.url, "AKIDTEST", "secret")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("scripts")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("scripts"), Key: aws.String("jobs/reader.py"), Body: strings.NewReader(s3ReaderScript)})
	require.NoError(t, err)
	scriptJob(t, b, "writer", pyScript(t, t.TempDir(), "writer", s3WriterScript))
	scriptJob(t, b, "reader", "s3://scripts/jobs/reader.py")
	mustWorkflow(t, b, "handoff")
	_, err = b.client.CreateTrigger(ctx, startTrigger("handoff", "start", jobAction("writer")))
	require.NoError(t, err)
	_, err = b.client.CreateTrigger(ctx, condTrigger("handoff", "then", gluetypes.LogicalAnd,
		[]gluetypes.Condition{jobCond("writer", gluetypes.JobRunStateSucceeded)}, jobAction("reader")))
	require.NoError(t, err)

	run := waitRunStatus(t, b, "handoff", startRun(t, b, "handoff", nil), gluetypes.WorkflowRunStatusCompleted, runWait)
	require.Equal(t, gluetypes.JobRunStateSucceeded, onlyJobRun(t, run, "writer").JobRunState, describeRun(run))
	require.Equal(t, gluetypes.JobRunStateSucceeded, onlyJobRun(t, run, "reader").JobRunState, describeRun(run))
	onDisk, err := os.ReadFile(filepath.Join(b.cfg.DataDir, "s3", "handoff", "stage", "1", "data.csv"))
	require.NoError(t, err)
	require.Equal(t, "id,v\n1,a\n2,b\n", string(onDisk))
}
