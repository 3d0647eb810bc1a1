package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// startMoto starts moto's S3-compatible server on a free loopback port and
// returns its URL; it is killed (its whole process group) when the test
// ends. The test is skipped only when moto is not installed at all.
func startMoto(t *testing.T) string {
	t.Helper()
	var argv []string
	if p, err := exec.LookPath("moto_server"); err == nil {
		argv = []string{p}
	} else if exec.Command("python3", "-c", "import moto.server").Run() == nil {
		argv = []string{"python3", "-m", "moto.server"}
	} else {
		t.Skip("moto_server is not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())

	logPath := filepath.Join(t.TempDir(), "moto.log")
	logFile, err := os.Create(logPath)
	require.NoError(t, err)
	cmd := exec.Command(argv[0], append(argv[1:], "-H", "127.0.0.1", "-p", fmt.Sprint(port))...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		_ = logFile.Close()
	})

	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	client := &http.Client{Timeout: time.Second}
	gluetest.Eventually(t, bpWait, func() bool {
		resp, err := client.Get(url + "/")
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, "moto did not answer on %s; its log: %s", url, logPath)
	return url
}

// motoS3 returns an S3 client for moto (path-style, static credentials).
func motoS3(url string) *s3.Client {
	return s3.New(s3.Options{BaseEndpoint: aws.String(url), UsePathStyle: true, Region: "us-east-1",
		Credentials:                credentials.NewStaticCredentialsProvider("test", "test", ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired, ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired})
}

const s3Cfg = `{
  "layoutGenerator": "s3bp.layout.generate_layout",
  "parameterSpec": {
    "WorkflowName": {"type": "String"},
    "Bucket": {"type": "S3Bucket"},
    "Script": {"type": "S3Uri"}
  }
}`

// s3Layout writes an object through boto3 (which must reach the S3
// endpoint Epoxy is configured with) and lays out one job whose script is
// an s3:// location.
const s3Layout = `import boto3
` + bpPrelude + `

def generate_layout(user_params, system_params):
    boto3.client("s3").put_object(Bucket=user_params["Bucket"], Key="generated/marker.txt",
                                  Body=("written by the generator in " + system_params["region"]).encode())
    job = Job(Name="from_s3", Role="arn:aws:iam::123456789012:role/glue",
              Command={"Name": "pythonshell", "ScriptLocation": user_params["Script"]})
    return Workflow(Name=user_params["WorkflowName"], Entities=Entities(Jobs=[job]))
`

// Ensure an s3:// BlueprintLocation is read through the configured S3
// endpoint (moto's server): the blueprint becomes ACTIVE with a registered
// copy in the data directory, a run succeeds with a generator that uses S3
// itself, and the created workflow runs a script that is also in S3; a
// missing object makes the registration FAILED, naming the location.
func TestBlueprint_S3Location(t *testing.T) {
	t.Parallel()
	url := startMoto(t)
	ctx := context.Background()
	client := motoS3(url)
	_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("epoxy-bp")})
	require.NoError(t, err)
	archive := gluetest.BlueprintZip(t, "s3bp", s3Cfg, map[string]string{"layout.py": s3Layout})
	for key, body := range map[string][]byte{"bp/s3bp.zip": archive, "scripts/ok.py": []byte("print('from s3')\n")} {
		_, err = client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("epoxy-bp"), Key: aws.String(key), Body: bytes.NewReader(body),
			ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32})
		require.NoError(t, err)
	}
	cfg := testConfig(t)
	cfg.S3Endpoint = url
	b := setupWith(t, cfg)

	createBlueprint(t, b, "s3bp", "s3://epoxy-bp/bp/s3bp.zip")
	bp := waitBlueprintStatus(t, b, "s3bp", types.BlueprintStatusActive)
	require.Equal(t, "s3://epoxy-bp/bp/s3bp.zip", aws.ToString(bp.BlueprintLocation))
	copyPath, ok := strings.CutPrefix(aws.ToString(bp.BlueprintServiceLocation), "file://")
	require.True(t, ok, "BlueprintServiceLocation %q", aws.ToString(bp.BlueprintServiceLocation))
	stored, err := os.ReadFile(copyPath)
	require.NoError(t, err)
	require.Equal(t, archive, stored)

	run := runBlueprint(t, b, "s3bp", map[string]any{"WorkflowName": "s3-wf", "Bucket": "epoxy-bp", "Script": "s3://epoxy-bp/scripts/ok.py"},
		types.BlueprintRunStateSucceeded)
	requireBlueprintDetails(t, b, "s3-wf", "s3bp", aws.ToString(run.RunId))
	obj, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("epoxy-bp"), Key: aws.String("generated/marker.txt")})
	require.NoError(t, err)
	marker, err := io.ReadAll(obj.Body)
	require.NoError(t, obj.Body.Close())
	require.NoError(t, err)
	require.Equal(t, "written by the generator in us-east-1", string(marker))

	wr := startRun(t, b, "s3-wf", nil)
	done := waitRunStatus(t, b, "s3-wf", wr, types.WorkflowRunStatusCompleted, bpWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 1, SucceededActions: 1}, done)

	createBlueprint(t, b, "s3-missing", "s3://epoxy-bp/bp/missing.zip")
	failed := waitBlueprintStatus(t, b, "s3-missing", types.BlueprintStatusFailed)
	require.Contains(t, aws.ToString(failed.ErrorMessage), "s3://epoxy-bp/bp/missing.zip")

	// Over Glue's 1 MB limit: refused with the same limit as a local file.
	big := make([]byte, 1<<20+100<<10)
	_, _ = rand.Read(big)
	_, err = client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("epoxy-bp"), Key: aws.String("bp/big.zip"),
		Body: bytes.NewReader(gluetest.Zip(t, gluetest.Entry{Name: "lc/random.bin", Body: big, Stored: true})), ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32})
	require.NoError(t, err)
	createBlueprint(t, b, "s3-big", "s3://epoxy-bp/bp/big.zip")
	failed = waitBlueprintStatus(t, b, "s3-big", types.BlueprintStatusFailed)
	require.Contains(t, aws.ToString(failed.ErrorMessage), "1048576 bytes (1 MB)", "the limit the message states")
}
