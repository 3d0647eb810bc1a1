package main

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/store/postgres/pgtest"
)

// replicaClients starts n replicas, wired as `epoxy serve --store
// postgres://...` wires them, on one new PostgreSQL schema, and returns a
// client of each.
func replicaClients(b *testing.B, n int) []*glue.Client {
	b.Helper()
	url := pgtest.URL(b)
	var out []*glue.Client
	for i := range n {
		cfg := testConfig(b)
		cfg.store, cfg.Workers, cfg.Lease, cfg.PGNotify, cfg.NodeName = storeLocation{Postgres: url}, true, 15*time.Second, "on", fmt.Sprintf("r%d", i)
		out = append(out, setupWith(b, cfg).client)
	}
	return out
}

// BenchmarkReplicasAPI measures API throughput on PostgreSQL with one and
// with three replicas: parallel clients spread over the replicas, each op
// a CreateWorkflow on one replica and a GetWorkflow on the next (two API
// calls). Throughput is reported as ops/s.
func BenchmarkReplicasAPI(b *testing.B) {
	for _, n := range []int{1, 3} {
		b.Run(fmt.Sprintf("replicas=%d", n), func(b *testing.B) {
			clients := replicaClients(b, n)
			ctx := context.Background()
			_, err := clients[0].CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("seed")})
			require.NoError(b, err)
			var next atomic.Int64
			b.SetParallelism(4)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := next.Add(1)
					c := clients[int(i)%n]
					_, err := c.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String(fmt.Sprintf("wf-%d", i))})
					if err != nil {
						b.Error(err)
						return
					}
					if _, err := clients[int(i+1)%n].GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String("seed")}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
		})
	}
}
