package caps

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rtfs-go/rtfs/host"
	"github.com/rtfs-go/rtfs/internal/wanterr"
	"github.com/rtfs-go/rtfs/value"
)

// echoServer answers /echo with what it received, /big with 2000 bytes,
// /slow after a second, and /redirect?to=URL with a redirect to URL.
func echoServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Method", r.Method)
		w.Header().Add("X-Multi", "a")
		w.Header().Add("X-Multi", "b")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, "%s|%s", r.Header.Get("X-Token"), body)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("x", 2000)))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	})
	mux.HandleFunc("/missing", http.NotFound)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func networkProfile(mode host.NetworkMode, hosts ...string) host.StepProfile {
	return host.StepProfile{StepName: "fetch", NetworkPolicy: host.NetworkPolicy{Mode: mode, Hosts: hosts}}
}

func TestHTTPFetch(t *testing.T) {
	srv := echoServer(t)
	th := newTestHost(t, networkProfile(host.NetworkFull))
	resp := th.mustCall(t, "ccos.network.http-fetch", opts("url", srv.URL+"/echo", "method", "post",
		"headers", map[string]string{"X-Token": "t0k"}, "body", "payload"))
	if got := get(t, resp, "status"); got.AsInt() != 201 {
		t.Errorf("status = %s", got)
	}
	if got := get(t, resp, "body").AsString(); got != "t0k|payload" {
		t.Errorf("body = %q", got)
	}
	headers := get(t, resp, "headers").AsMap()
	for name, want := range map[string]string{"x-method": "POST", "x-multi": "a, b"} {
		if v, _ := headers.Get(str(name)); v.AsString() != want {
			t.Errorf("header %s = %s, want %q", name, v, want)
		}
	}
	resp = th.mustCall(t, "ccos.network.http-fetch", opts("url", srv.URL+"/missing"))
	if got := get(t, resp, "status"); got.AsInt() != 404 {
		t.Errorf("a 404 is a result: status = %s", got)
	}
}

func TestHTTPFetchErrors(t *testing.T) {
	srv := echoServer(t)
	th := newTestHost(t, networkProfile(host.NetworkFull))
	_, err := th.call("ccos.network.http-fetch", opts("url", srv.URL+"/big", "max-body-bytes", 1000))
	wanterr.Check(t, err, value.Generic, "the response body of "+srv.URL+"/big is larger than 1000 bytes")
	resp := th.mustCall(t, "ccos.network.http-fetch", opts("url", srv.URL+"/big", "max-body-bytes", 2000))
	if len(get(t, resp, "body").AsString()) != 2000 {
		t.Error("a body exactly max-body-bytes long was not returned whole")
	}
	start := time.Now()
	_, err = th.call("ccos.network.http-fetch", opts("url", srv.URL+"/slow", "timeout-ms", 100))
	wanterr.Check(t, err, value.Generic, "ccos.network.http-fetch", "deadline exceeded")
	if time.Since(start) > 900*time.Millisecond {
		t.Errorf("the 100 ms timeout took %s", time.Since(start))
	}
	for _, u := range []string{"ftp://127.0.0.1/x", "not a url", "http:///nohost", "::"} {
		_, err = th.call("ccos.network.http-fetch", opts("url", u))
		wanterr.Check(t, err, value.InvalidArguments, "is not an http or https URL with a host")
	}
	_, err = th.call("ccos.network.http-fetch", opts("url", srv.URL, "method", "BREW"))
	wanterr.Check(t, err, value.InvalidArguments, `unsupported method "BREW"`)
	_, err = th.call("ccos.network.http-fetch", opts("url", srv.URL, "headers", opts("x", 1)))
	wanterr.Check(t, err, value.TypeError, "option :headers")
	// Nothing listens on port 1 of the loopback interface.
	_, err = th.call("ccos.network.http-fetch", opts("url", "http://127.0.0.1:1/"))
	wanterr.Check(t, err, value.Generic, "connection refused")
}

func TestHTTPFetchNetworkPolicy(t *testing.T) {
	srv := echoServer(t)
	port := strings.TrimPrefix(srv.URL, "http://127.0.0.1")
	at := func(host string) string { return "http://" + host + port + "/echo" }
	cases := []struct {
		name    string
		policy  host.StepProfile
		url     string
		message string // "" when allowed
	}{
		{"allow-list exact", networkProfile(host.NetworkAllowList, "localhost"), at("localhost"), ""},
		{"allow-list ignores case and trailing dot", networkProfile(host.NetworkAllowList, "LocalHost."), at("localhost"), ""},
		{"allow-list IP", networkProfile(host.NetworkAllowList, "127.0.0.1"), at("127.0.0.1"), ""},
		{"allow-list miss", networkProfile(host.NetworkAllowList, "api.example.com"), at("127.0.0.1"),
			`Security violation in step "fetch": ccos.network.http-fetch to 127.0.0.1` + port + ` is not in the network allow-list [api.example.com]`},
		{"allow-list suffix does not match the bare domain", networkProfile(host.NetworkAllowList, "*.localhost"), at("localhost"),
			"ccos.network.http-fetch to localhost" + port + " is not in the network allow-list [*.localhost]"},
		{"allow-list port", networkProfile(host.NetworkAllowList, "127.0.0.1"+port), at("127.0.0.1"), ""},
		{"allow-list other port", networkProfile(host.NetworkAllowList, "127.0.0.1:1"), at("127.0.0.1"),
			"ccos.network.http-fetch to 127.0.0.1" + port + " is not in the network allow-list [127.0.0.1:1]"},
		{"deny-list miss", networkProfile(host.NetworkDenyList, "evil.example"), at("127.0.0.1"), ""},
		{"deny-list hit", networkProfile(host.NetworkDenyList, "evil.example", "127.0.0.1"), at("127.0.0.1"),
			"ccos.network.http-fetch to 127.0.0.1" + port + " is denied by 127.0.0.1 in the network deny-list"},
		{"denied", networkProfile(host.NetworkDenied), at("127.0.0.1"),
			"ccos.network.http-fetch to 127.0.0.1" + port + " is not allowed: network access is denied"},
		{"zero profile", host.StepProfile{}, at("127.0.0.1"), "network access is denied"},
		{"unknown mode", networkProfile("some"), at("127.0.0.1"), `unknown network policy mode "some"`},
		{"full", networkProfile(host.NetworkFull), at("localhost"), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			th := newTestHost(t, host.StepProfile{})
			ctx := th.inStep("fetch", &c.policy)
			v, err := th.ExecuteCapability(ctx, "ccos.network.http-fetch", []value.Value{opts("url", c.url)})
			if c.message == "" {
				if err != nil {
					t.Fatalf("denied: %v", err)
				}
				if get(t, v, "status").AsInt() != 201 {
					t.Errorf("status %s", get(t, v, "status"))
				}
				return
			}
			wanterr.Check(t, err, value.SecurityViolation, c.message)
		})
	}
}

func TestHTTPFetchRedirectIsChecked(t *testing.T) {
	srv := echoServer(t)
	port := strings.TrimPrefix(srv.URL, "http://127.0.0.1")
	th := newTestHost(t, networkProfile(host.NetworkAllowList, "localhost"))
	outside := "http://127.0.0.1" + port + "/echo"
	_, err := th.call("ccos.network.http-fetch", opts("url", "http://localhost"+port+"/redirect?to="+url.QueryEscape(outside)))
	wanterr.Check(t, err, value.SecurityViolation, "ccos.network.http-fetch redirected to 127.0.0.1"+port+" is not in the network allow-list [localhost]")
	inside := "http://localhost" + port + "/echo"
	resp := th.mustCall(t, "ccos.network.http-fetch", opts("url", "http://localhost"+port+"/redirect?to="+url.QueryEscape(inside)))
	if get(t, resp, "status").AsInt() != 201 {
		t.Errorf("an allowed redirect was not followed: %s", resp)
	}
}

func TestHostMatching(t *testing.T) {
	allow := &host.CallContext{Capability: "c", Policy: &host.StepProfile{NetworkPolicy: host.NetworkPolicy{Mode: host.NetworkAllowList,
		Hosts: []string{"api.example.com", "*.corp.example", "[::1]"}}}}
	for host, want := range map[string]bool{
		"api.example.com":   true,
		"API.Example.COM.":  true,
		"example.com":       false,
		"x.api.example.com": false,
		"db.corp.example":   true,
		"a.b.corp.example":  true,
		"corp.example":      false,
		"evilcorp.example":  false,
		"::1":               true,
	} {
		if got := allow.CheckHost(host, "") == nil; got != want {
			t.Errorf("allow-list: CheckHost(%s) allowed = %v, want %v", host, got, want)
		}
	}
	deny := &host.CallContext{Capability: "c", Policy: &host.StepProfile{NetworkPolicy: host.NetworkPolicy{Mode: host.NetworkDenyList,
		Hosts: []string{"*.evil.example"}}}}
	for host, want := range map[string]bool{"evil.example": true, "www.evil.example": false, "good.example": true} {
		if got := deny.CheckHost(host, "") == nil; got != want {
			t.Errorf("deny-list: CheckHost(%s) allowed = %v, want %v", host, got, want)
		}
	}
}
