package integration

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// mitmProxy is a TLS-intercepting HTTPS proxy on loopback, as corporate
// networks run: it answers CONNECT, ends the client's TLS with a certificate
// for the requested host signed by a CA the test generated, and forwards each
// request to the real host. A client that does not trust that CA fails on the
// certificate, on any network: the test does not depend on the machine's own
// proxy.
type mitmProxy struct {
	url, addr string
	caFile    string // the CA's certificate, PEM, for --secret id=ca
	ca        *x509.Certificate
	caKey     *ecdsa.PrivateKey
	upstream  *http.Transport

	mu    sync.Mutex
	seen  []string
	certs map[string]*tls.Certificate
}

func startMITMProxy(t *testing.T) *mitmProxy {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "monokit test interception CA " + randomHex(t)[:8]},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	p := &mitmProxy{ca: ca, caKey: key, certs: map[string]*tls.Certificate{},
		caFile: filepath.Join(t.TempDir(), "ca.pem"),
		// The way out is this process's: the environment's proxy and the
		// system's roots, whatever network the test runs on.
		upstream: &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: false, TLSHandshakeTimeout: 30 * time.Second},
	}
	t.Cleanup(p.upstream.CloseIdleConnections)
	if err := os.WriteFile(p.caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	p.url = serve(t, p)
	p.addr = strings.TrimPrefix(p.url, "http://")
	return p
}

// hosts are the CONNECT targets the proxy saw, in order.
func (p *mitmProxy) hosts() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.seen)
}

// leaf is a certificate for host, signed by the proxy's CA.
func (p *mitmProxy) leaf(host string) (*tls.Certificate, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.certs[host]; ok {
		return c, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(int64(len(p.certs) + 2)),
		Subject:      pkix.Name{CommonName: host},
		DNSNames:     []string{host},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		return nil, err
	}
	c := &tls.Certificate{Certificate: [][]byte{der, p.ca.Raw}, PrivateKey: key}
	p.certs[host] = c
	return c, nil
}

func (p *mitmProxy) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodConnect {
		http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
		return
	}
	p.mu.Lock()
	p.seen = append(p.seen, req.Host)
	p.mu.Unlock()
	host, _, err := net.SplitHostPort(req.Host)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprint(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
	tconn := tls.Server(conn, &tls.Config{
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return p.leaf(host) },
		NextProtos:     []string{"http/1.1"},
	})
	if err := tconn.Handshake(); err != nil {
		return // the client refused the certificate: what a client without the CA does
	}
	p.forward(tconn, req.Host)
}

// forward relays the requests of one intercepted connection to host.
func (p *mitmProxy) forward(conn *tls.Conn, host string) {
	br := bufio.NewReader(conn)
	for {
		conn.SetReadDeadline(time.Now().Add(2 * time.Minute))
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		req.URL.Scheme, req.URL.Host, req.RequestURI = "https", host, ""
		resp, err := p.upstream.RoundTrip(req)
		if err != nil {
			fmt.Fprintf(conn, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			return
		}
		err = resp.Write(conn)
		resp.Body.Close()
		if err != nil || resp.Close || req.Close {
			return
		}
	}
}
