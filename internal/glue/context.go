package glue

import "context"

type regionKey struct{}

// WithRegion returns a context carrying the AWS region a request was signed
// for. ARNs in that request are checked against it.
func WithRegion(ctx context.Context, region string) context.Context {
	return context.WithValue(ctx, regionKey{}, region)
}

// RegionFrom returns the region recorded by WithRegion, or def when none is.
func RegionFrom(ctx context.Context, def string) string {
	if r, ok := ctx.Value(regionKey{}).(string); ok && r != "" {
		return r
	}
	return def
}
