package bench

import (
	"context"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Load is a closed-loop HTTP load on loopback: Workers clients each send one request after
// another, until Duration has passed or MaxRequests have been sent, whichever comes first.
type Load struct {
	Workers     int
	Duration    time.Duration
	MaxRequests int64
	// Request builds the n-th request of a worker.
	Request func(worker int, n int64) (*http.Request, error)
	// Want is the status every answer must have; others count as errors.
	Want int
	// PerAddress > 0 makes each connection send at most that many requests and then
	// reconnect from a new loopback source address (127.x.y.z), so that a per-address rate
	// limit sees many citizens rather than one client.
	PerAddress int
}

// Result is what a Load measured.
type Result struct {
	Requests   int64 // answered with the wanted status
	Errors     int64
	FirstError string
	Elapsed    time.Duration
	latencies  []time.Duration // sorted, of the wanted answers
}

// Rate returns answered requests per second.
func (r Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Quantile returns the latency below which a fraction q of the answers came.
func (r Result) Quantile(q float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(q*float64(len(r.latencies))+0.5) - 1
	return r.latencies[max(0, min(i, len(r.latencies)-1))]
}

// sourceAddrs hands out loopback source addresses 127.x.y.z from a random start, skipping
// the network and broadcast ends of each /24, so that two runs within the rate limit's
// minute do not share addresses.
var sourceAddrs atomic.Uint32

func init() { sourceAddrs.Store(mrand.Uint32N(1 << 22)) }

func nextSourceIP() net.IP {
	for {
		n := sourceAddrs.Add(1)
		if b := byte(n); b == 0 || b == 255 {
			continue
		}
		return net.IPv4(127, byte(1+(n>>16)%254), byte(n>>8), byte(n))
	}
}

// Run runs the load and returns what it measured; ctx ends it early.
func (l Load) Run(ctx context.Context) Result {
	if l.MaxRequests <= 0 {
		l.MaxRequests = 1 << 40
	}
	ctx, cancel := context.WithTimeout(ctx, l.Duration)
	defer cancel()
	var (
		sent     atomic.Int64
		mu       sync.Mutex
		res      Result
		firstErr string
		wg       sync.WaitGroup
	)
	lats := make([][]time.Duration, l.Workers)
	start := time.Now()
	for w := 0; w < l.Workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			dialer := &net.Dialer{Timeout: 5 * time.Second}
			tr := &http.Transport{
				MaxIdleConns: 1, MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1, IdleConnTimeout: time.Minute,
				DisableCompression: true, ResponseHeaderTimeout: 30 * time.Second,
				DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
					d := *dialer
					if l.PerAddress > 0 {
						d.LocalAddr = &net.TCPAddr{IP: nextSourceIP()}
					}
					return d.DialContext(ctx, network, addr)
				},
			}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
			var errs int64
			onConn := 0
			for n := int64(0); ; n++ {
				if sent.Add(1) > l.MaxRequests || ctx.Err() != nil {
					break
				}
				req, err := l.Request(w, n)
				if err != nil {
					errs++
					continue
				}
				onConn++
				if l.PerAddress > 0 && onConn >= l.PerAddress {
					req.Close = true
					onConn = 0
				}
				t0 := time.Now()
				resp, err := client.Do(req.WithContext(context.Background()))
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				d := time.Since(t0)
				switch {
				case err != nil:
					errs++
					onConn = 0
					mu.Lock()
					if firstErr == "" {
						firstErr = err.Error()
					}
					mu.Unlock()
				case resp.StatusCode != l.Want:
					errs++
					mu.Lock()
					if firstErr == "" {
						firstErr = fmt.Sprintf("%s %s: status %d", req.Method, req.URL.Path, resp.StatusCode)
					}
					mu.Unlock()
				default:
					lats[w] = append(lats[w], d)
				}
			}
			mu.Lock()
			res.Errors += errs
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	for _, ls := range lats {
		res.latencies = append(res.latencies, ls...)
	}
	slices.Sort(res.latencies)
	res.Requests = int64(len(res.latencies))
	res.FirstError = firstErr
	return res
}
