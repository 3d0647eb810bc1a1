package executor

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeBotocore writes a botocore package of the given version whose
// Session.create_client returns the endpoint_url it is given.
func fakeBotocore(t *testing.T, version string) string {
	t.Helper()
	dir := t.TempDir()
	pkg := filepath.Join(dir, "botocore")
	require.NoError(t, os.Mkdir(pkg, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(pkg, "__init__.py"), []byte("__version__ = '"+version+"'\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(pkg, "session.py"), []byte(`class Session:
    def create_client(self, service_name, region_name=None, api_version=None, use_ssl=True, verify=None,
                      endpoint_url=None, aws_access_key_id=None, aws_secret_access_key=None):
        return endpoint_url
`), 0o600))
	return dir
}

// Where botocore predates AWS_ENDPOINT_URL_* (< 1.31, as Debian's), the
// bootstrap gives clients created without endpoint_url the endpoint from
// the environment; a newer botocore is left alone.
func TestBootstrap_OldBotocoreReachesEpoxy(t *testing.T) {
	t.Parallel()
	body := `import sys
sys.path.insert(0, %q)
import botocore.session
s = botocore.session.Session()
print(s.create_client("glue"), s.create_client("s3"), s.create_client("glue", endpoint_url="http://explicit"),
      s.create_client("glue", "us-east-1", None, True, None, "http://positional"))
`
	env := func(c *Config) {
		c.Env = append(c.Env, "AWS_ENDPOINT_URL_GLUE=http://glue.test", "AWS_ENDPOINT_URL=http://all.test")
	}
	for version, want := range map[string]string{
		"1.29.90": "http://glue.test http://all.test http://explicit http://positional\n",
		"1.31.0":  "None None http://explicit http://positional\n",
	} {
		data := t.TempDir()
		l := newTestLocal(t, data, env)
		res := result(t, start(t, l, pySpec("jr_boto", script(t, strings.Replace(body, "%q", quote(fakeBotocore(t, version)), 1)))))
		require.Equal(t, 0, res.ExitCode, res.Error)
		require.Equal(t, want, readFile(t, filepath.Join(LogDir(data, "jr_boto"), "stdout")), "botocore %s", version)
	}
}

// pyspark, when not installed, and awsglue's Spark modules fail with a
// message saying the script needs a Spark runtime.
func TestBootstrap_SparkImportsExplainThemselves(t *testing.T) {
	t.Parallel()
	l := newTestLocal(t, t.TempDir())
	for id, body := range map[string]string{
		"jr_ctx":   "from awsglue.context import GlueContext\n",
		"jr_job":   "from awsglue.job import Job\n",
		"jr_spark": "from pyspark.context import SparkContext\n",
		"jr_utils": "from awsglue.utils import getResolvedOptions\nimport json\nimport pysparkle\n",
	} {
		if id == "jr_spark" && exec.Command(l.cfg.Python, "-c", "import pyspark").Run() == nil {
			continue // pyspark is installed here: it imports as usual
		}
		res := result(t, start(t, l, pySpec(id, script(t, body))))
		require.Equal(t, 1, res.ExitCode, id)
		if id == "jr_utils" {
			require.Contains(t, res.Error, "No module named 'pysparkle'", "other imports fail as usual")
			continue
		}
		require.Contains(t, res.Error, "ImportError: ", id)
		require.Contains(t, res.Error, "needs a Spark runtime", id)
	}
}
