package caps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/value"
)

// httpFetchCapability makes one HTTP request. The URL's host, and the host
// of every redirect it follows (at most maxRedirects), must pass the
// network policy. Any status is a result, not an error: the plan decides
// what a 404 means. Response header names are lower-cased, and repeated
// headers are joined with ", ". The body is returned as a string of the raw
// bytes; a body longer than :max-body-bytes (default 10 MiB) is an error,
// not a silent cut.
var httpFetchCapability = host.Capability{
	ID: "ccos.network.http-fetch",
	Description: "requests :url with :method (GET, POST, PUT, PATCH, DELETE, HEAD; default GET), :headers and :body; " +
		"returns {:status :headers :body}; :timeout-ms defaults to 30 s, :max-body-bytes to 10 MiB",
	Effects: []host.Effect{host.EffectNetwork},
	// Request and response headers carry credentials and cookies.
	Sensitive: []string{"headers", "result.headers"},
	Signature: host.OptionsOf(
		host.Option{Name: "url", Kind: value.KString, Required: true},
		host.Option{Name: "method", Kind: value.KString},
		host.Option{Name: "headers", Kind: value.KMap},
		host.Option{Name: "body", Kind: value.KString},
		host.Option{Name: "timeout-ms", Kind: value.KInt},
		host.Option{Name: "max-body-bytes", Kind: value.KInt},
	),
	Run: httpFetch,
}

var httpMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}

// maxRedirects is how many redirects one fetch follows, as Go's default
// client does.
const maxRedirects = 10

func httpFetch(ctx context.Context, call *host.CallContext, args []value.Value) (value.Value, error) {
	id := call.Capability
	opts := host.OptionsMap{M: args[0].AsMap()}
	raw := opts.Str("url", "")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return value.Nil, value.Errorf(value.InvalidArguments, "Invalid arguments to %s: %q is not an http or https URL with a host", id, raw)
	}
	method := strings.ToUpper(opts.Str("method", "GET"))
	if !slices.Contains(httpMethods, method) {
		return value.Nil, value.Errorf(value.InvalidArguments, "Invalid arguments to %s: unsupported method %q (want one of %s)", id, method, strings.Join(httpMethods, ", "))
	}
	timeout, err := timeoutOption(call, opts)
	if err != nil {
		return value.Nil, err
	}
	limit, err := bytesOption(call, opts, "max-body-bytes")
	if err != nil {
		return value.Nil, err
	}
	if err := call.CheckHost(u.Hostname(), portOf(u)); err != nil {
		return value.Nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), strings.NewReader(opts.Str("body", "")))
	if err != nil {
		return value.Nil, value.Errorf(value.InvalidArguments, "Invalid arguments to %s: %v", id, err)
	}
	if v, ok := opts.Get("headers"); ok {
		for e := range v.AsMap().Entries() {
			name := e.Key.KeyName()
			if name == "" || e.Val.Kind() != value.KString {
				return value.Nil, value.Errorf(value.TypeError, "Type error in %s option :headers: expected a map of names to strings, got %s %s", id, e.Key, e.Val)
			}
			req.Header.Add(name, e.Val.AsString())
		}
	}
	client := &http.Client{Transport: transport(ctx), CheckRedirect: func(next *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		return call.CheckRedirect(next.URL.Hostname(), portOf(next.URL))
	}}
	resp, err := client.Do(req)
	if err != nil {
		// A redirect the policy refused comes back wrapped in a *url.Error;
		// it must surface as the SecurityViolation it is.
		var violation *value.Error
		if errors.As(err, &violation) {
			return value.Nil, violation
		}
		return value.Nil, value.Errorf(value.Generic, "%s: %v", id, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return value.Nil, value.Errorf(value.Generic, "%s: reading the response of %s: %v", id, raw, err)
	}
	if int64(len(body)) > limit {
		return value.Nil, value.Errorf(value.Generic, "%s: the response body of %s is larger than %d bytes (:max-body-bytes)", id, raw, limit)
	}
	headers := make([]value.MapEntry, 0, len(resp.Header))
	for name, values := range resp.Header {
		headers = append(headers, value.MapEntry{Key: value.String(strings.ToLower(name)), Val: value.String(strings.Join(values, ", "))})
	}
	return value.MapFromEntries([]value.MapEntry{
		{Key: value.Kw("status"), Val: value.Int(int64(resp.StatusCode))},
		{Key: value.Kw("headers"), Val: value.MapFromEntries(headers)},
		{Key: value.Kw("body"), Val: value.String(string(body))},
	}), nil
}

type resolvedKey struct{}

// WithResolved returns ctx carrying the addresses the plan host resolved
// host names to. A fetch under it resolves nothing itself: it connects to
// an IP literal, or to the addresses given for a name, and fails for a
// name it was not given, so that what a confined worker reaches is what
// the host's policy checked. nil carries nothing (ordinary resolution).
func WithResolved(ctx context.Context, resolved map[string][]string) context.Context {
	if resolved == nil {
		return ctx
	}
	return context.WithValue(ctx, resolvedKey{}, resolved)
}

// transport is the HTTP transport of a fetch under ctx: never through a
// proxy named by the environment, and with the pre-resolved addresses of
// WithResolved when ctx carries them.
func transport(ctx context.Context) *http.Transport {
	t := &http.Transport{Proxy: nil, ForceAttemptHTTP2: true, TLSHandshakeTimeout: 10 * time.Second}
	resolved, ok := ctx.Value(resolvedKey{}).(map[string][]string)
	if !ok {
		return t
	}
	var dialer net.Dialer
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		addrs := []string{host}
		if net.ParseIP(host) == nil {
			if addrs = resolved[normalizeName(host)]; len(addrs) == 0 {
				return nil, fmt.Errorf("%s was not resolved by the plan host", host)
			}
		}
		var last error
		for _, ip := range addrs {
			conn, err := dialer.DialContext(ctx, network, net.JoinHostPort(ip, port))
			if err == nil {
				return conn, nil
			}
			last = err
		}
		return nil, last
	}
	return t
}

// normalizeName is a host name as resolution maps are keyed.
func normalizeName(h string) string { return strings.ToLower(strings.TrimSuffix(h, ".")) }

// portOf is the port a URL connects to: its own, or its scheme's.
func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}
