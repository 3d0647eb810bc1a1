package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/epoxy-run/epoxy/internal/store"
)

// Several Epoxy processes may share one store (PostgreSQL): serve replicas
// and workers, each a node with a name. A node proves it is alive by
// renewing its lease, "node:<name>", every third of Config.Lease; the lease
// is held by the node's incarnation (a random id per process), so a second
// live process cannot take a name in use. One node at a time holds the
// leader lease and runs the singleton work: schedules, event batches and
// the rescue of work whose node's lease lapsed (rescue, below).
//
// Correctness never rests on the leases alone: store writes are
// serialised, a trigger fires once per run key and a schedule once per fire
// time by uniqueness in the store, and only a run's Node records its
// outcome. The leases decide who does the work, and how soon a lost node's
// runs are handled.

const (
	nodeLeasePrefix = "node:"
	leaderLease     = "leader"
)

// ErrNodeNameTaken is returned when another live process holds the node's
// name.
var ErrNodeNameTaken = errors.New("another live epoxy node has this name")

// acquire returns the lease holder gets on cur at now (cur may be nil), or
// false when another holder's lease is still live. A new holder gets the
// next term; renewing keeps it.
func acquire(cur *store.Lease, name, holder, info string, now time.Time, ttl time.Duration) (*store.Lease, bool) {
	next := &store.Lease{Name: name, Holder: holder, Term: 1, Until: now.Add(ttl).Truncate(time.Millisecond), Info: info}
	if cur == nil {
		return next, true
	}
	if cur.Holder != holder && now.Before(cur.Until) {
		return nil, false
	}
	next.Term = cur.Term
	if cur.Holder != holder {
		next.Term++
	}
	return next, true
}

// member is one node's membership: its lease, renewed by beat, and its bid
// for the leader lease. A member with Lease zero stands alone (SQLite, one
// process): it is always fresh and always leads.
type member struct {
	store       store.Store
	clock       Clock
	log         *slog.Logger
	name        string
	incarnation string
	info        string
	lease       time.Duration

	mu      sync.Mutex
	renewed time.Time // when the lease was last renewed, by the local clock
	leading bool
}

func newMember(cfg Config, log *slog.Logger) *member {
	var b [8]byte
	_, _ = rand.Read(b[:])
	name := cfg.Node
	if name == "" {
		name = "local"
	}
	return &member{store: cfg.Store, clock: cfg.Clock, log: log, name: name, incarnation: hex.EncodeToString(b[:]),
		info: cfg.NodeInfo, lease: cfg.Lease}
}

// alone reports whether this node is the only one (no leases).
func (n *member) alone() bool { return n.lease <= 0 }

// beat renews the node's lease, failing with ErrNodeNameTaken when another
// live incarnation holds the name.
func (n *member) beat(ctx context.Context) error {
	if n.alone() {
		return nil
	}
	now := n.clock.Now()
	err := n.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.Leases().Get(ctx, nodeLeasePrefix+n.name)
		if err != nil {
			return err
		}
		next, ok := acquire(cur, nodeLeasePrefix+n.name, n.incarnation, n.info, now, n.lease)
		if !ok {
			return fmt.Errorf("%w: %q (until %s)", ErrNodeNameTaken, n.name, cur.Until.Format(time.RFC3339))
		}
		return tx.Leases().Put(ctx, next)
	})
	if err != nil {
		return err
	}
	n.mu.Lock()
	n.renewed = now
	n.mu.Unlock()
	return nil
}

// fresh reports whether the node renewed its lease recently enough to act
// as its holder: within half the lease. A node that is not fresh starts
// nothing and stops its processes, so that by the time others may find its
// lease lapsed its processes are gone.
func (n *member) fresh() bool {
	if n.alone() {
		return true
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return !n.renewed.IsZero() && n.clock.Now().Sub(n.renewed) < n.lease/2
}

// lead bids for the leader lease and reports whether this node holds it.
func (n *member) lead(ctx context.Context) (bool, error) {
	if n.alone() {
		return true, nil
	}
	if !n.fresh() {
		n.setLeading(false)
		return false, nil
	}
	var ok bool
	var term int64
	now := n.clock.Now()
	err := n.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.Leases().Get(ctx, leaderLease)
		if err != nil {
			return err
		}
		var next *store.Lease
		if next, ok = acquire(cur, leaderLease, n.name, n.info, now, n.lease); !ok {
			return nil
		}
		term = next.Term
		return tx.Leases().Put(ctx, next)
	})
	if err != nil {
		n.setLeading(false)
		return false, err
	}
	if n.setLeading(ok) != ok && ok {
		n.log.Info("leading", "node", n.name, "term", term)
	}
	return ok, nil
}

// setLeading records whether the node leads and returns what it was.
func (n *member) setLeading(v bool) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	was := n.leading
	n.leading = v
	return was
}

// leave gives up the leader lease if the node holds it, so that another
// node leads at once. The node's own lease is kept to lapse: its job
// processes keep running for half a lease, and a node restarted under the
// same name within that time adopts them.
func (n *member) leave(ctx context.Context) error {
	if n.alone() {
		return nil
	}
	return n.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.Leases().Get(ctx, leaderLease)
		if err != nil || cur == nil || cur.Holder != n.name {
			return err
		}
		return tx.Leases().Delete(ctx, leaderLease)
	})
}

// heart renews a node's lease every third of it in the background and,
// each time it has, tells the dispatcher's processes so.
type heart struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func startHeart(ctx context.Context, n *member, d *Dispatcher) *heart {
	ctx, cancel := context.WithCancel(ctx)
	h := &heart{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(h.done)
		ticker := time.NewTicker(n.lease / 3)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
			if err := n.beat(ctx); err != nil {
				if ctx.Err() == nil {
					n.log.Error("renew node lease", "node", n.name, "err", err)
				}
				continue
			}
			d.renew()
		}
	}()
	return h
}

func (h *heart) stop() {
	h.cancel()
	<-h.done
}

// liveNodes returns the names of the nodes whose lease is live at now.
func liveNodes(ctx context.Context, tx store.Tx, now time.Time) (map[string]bool, error) {
	ls, err := tx.Leases().List(ctx, nodeLeasePrefix)
	if err != nil {
		return nil, err
	}
	live := map[string]bool{}
	for _, l := range ls {
		if now.Before(l.Until) {
			live[l.Name[len(nodeLeasePrefix):]] = true
		}
	}
	return live, nil
}
