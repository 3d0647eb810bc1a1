package executor

import (
	"os"
	"path/filepath"
	"strings"
)

// ProcessEnv is the environment Epoxy gives the processes it runs for its
// users, jobs and blueprint generators alike: the allowed part of the
// server's environment (environ), then extra (Epoxy's endpoints, region and
// dummy credentials), then a HOME and AWS config and credentials files of
// Epoxy's own (epoxy serve writes the config file), so nothing of the server user's
// ~/.aws is read and no server secret is passed on. pythonPath, when set,
// comes first on PYTHONPATH, before the server's.
func ProcessEnv(dataDir string, environ, extra []string, pythonPath string) []string {
	env, hostPythonPath := hostEnv(environ)
	env = append(env, extra...)
	switch {
	case pythonPath == "":
		pythonPath = hostPythonPath
	case hostPythonPath != "":
		pythonPath += string(os.PathListSeparator) + hostPythonPath
	}
	if pythonPath != "" {
		env = append(env, "PYTHONPATH="+pythonPath)
	}
	home := HomeDir(dataDir)
	return append(env, "HOME="+home, "AWS_CONFIG_FILE="+filepath.Join(home, ".aws", "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, ".aws", "credentials"))
}

// hostEnvNames and hostEnvPrefixes are the variables of the server's own
// environment a job inherits: what locates programs and libraries and sets
// the locale, never credentials or the server's configuration. Everything
// else a job sees is set by Epoxy (Config.Env and the per-run variables).
var (
	hostEnvNames = map[string]bool{
		"PATH": true, "LANG": true, "LANGUAGE": true, "TZ": true, "TMPDIR": true, "USER": true, "LOGNAME": true,
		"JAVA_HOME": true, "SSL_CERT_FILE": true, "SSL_CERT_DIR": true, "REQUESTS_CA_BUNDLE": true,
	}
	hostEnvPrefixes = []string{"LC_", "PYTHON", "SPARK_", "PYSPARK_", "HADOOP_"}
)

// defaultPath is a job's PATH when the server has none.
const defaultPath = "/usr/local/bin:/usr/bin:/bin"

// hostEnv returns the allowed entries of environ, PYTHONPATH excepted (the
// executor prepends its own directory to it).
func hostEnv(environ []string) (env []string, pythonPath string) {
	hasPath := false
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !allowedHostVar(name) {
			continue
		}
		switch name {
		case "PYTHONPATH":
			pythonPath = value
			continue
		case "PATH":
			hasPath = true
		}
		env = append(env, kv)
	}
	if !hasPath {
		env = append(env, "PATH="+defaultPath)
	}
	return env, pythonPath
}

func allowedHostVar(name string) bool {
	if hostEnvNames[name] {
		return true
	}
	for _, p := range hostEnvPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
