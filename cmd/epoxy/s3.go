package main

import (
	"context"
	"log/slog"
	"path/filepath"

	"github.com/epoxy-run/epoxy/internal/api"
	"github.com/epoxy-run/epoxy/internal/blueprint"
	"github.com/epoxy-run/epoxy/internal/crawl"
	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/objectstore"
	"github.com/epoxy-run/epoxy/internal/s3server"
	"github.com/epoxy-run/epoxy/internal/safefs"
)

// objectReader reads s3:// locations: job scripts, blueprint archives and
// crawler targets.
type objectReader interface {
	executor.ScriptFetcher
	blueprint.ArchiveFetcher
	crawl.Objects
}

// objectStores opens the built-in S3 (nil with --s3 off) and returns it
// with the reader of s3:// locations: the external --s3-endpoint when
// given, else the built-in S3 read directly, else objectstore.Disabled().
func objectStores(ctx context.Context, cfg *serveConfig, log *slog.Logger, files *safefs.Root, clock s3server.Clock) (*s3server.Server, objectReader, error) {
	var builtin *s3server.Server
	if cfg.S3 != "off" {
		var err error
		builtin, err = s3server.New(s3server.Config{Dir: files.Path("s3"), Clock: clock, Logger: log.With("component", "s3")})
		if err != nil {
			return nil, nil, err
		}
	}
	switch {
	case cfg.S3Endpoint != "":
		ext, err := objectstore.New(ctx, cfg.S3Endpoint, cfg.Region)
		if err != nil {
			if builtin != nil {
				builtin.Close()
			}
			return nil, nil, err
		}
		return builtin, ext, nil
	case builtin != nil:
		return builtin, objectstore.NewBuiltin(builtin.Store()), nil
	}
	return nil, objectstore.Disabled(), nil
}

// s3Route is the front door's route of requests without X-Amz-Target:
// the built-in S3, signed as service "s3". Nil when it is off.
func s3Route(builtin *s3server.Server) *api.Route {
	if builtin == nil {
		return nil
	}
	return &api.Route{Service: "s3", Handler: builtin, Operation: s3server.Operation,
		Serves: func(op string) bool { return op != "unknown" }}
}

// jobAWSConfig is the AWS config file of job processes and blueprint
// generators: S3 requests use path-style addressing (/bucket/key), which
// Epoxy's S3 (and MinIO and most S3-compatible servers) answer, whatever
// the endpoint's host name.
const jobAWSConfig = "# Written by Epoxy at each start.\n[default]\ns3 =\n    addressing_style = path\n"

// writeJobAWSConfig writes the AWS config file that executor.ProcessEnv
// points AWS_CONFIG_FILE at.
func writeJobAWSConfig(files *safefs.Root, dataDir string) error {
	rel, err := files.Rel(filepath.Join(executor.HomeDir(dataDir), ".aws", "config"))
	if err != nil {
		return err
	}
	return files.WriteFile(rel, []byte(jobAWSConfig))
}
