package release

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

func buildInfo(deps ...debug.Module) *debug.BuildInfo {
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/qsync/qsync", Version: "(devel)"}}
	for i := range deps {
		bi.Deps = append(bi.Deps, &deps[i])
	}
	return bi
}

func TestSBOM(t *testing.T) {
	when := time.Unix(1700000000, 0)
	linux := buildInfo(debug.Module{Path: "gopkg.in/yaml.v3", Version: "v3.0.1", Sum: "h1:abc="},
		debug.Module{Path: "github.com/alecthomas/kong", Version: "v1.17.0", Sum: "h1:kong="})
	windows := buildInfo(debug.Module{Path: "github.com/alecthomas/kong", Version: "v1.17.0", Sum: "h1:kong="},
		debug.Module{Path: "golang.org/x/sys", Version: "v0.49.0", Replace: &debug.Module{Path: "example.com/sys-fork", Version: "v0.1.0"}})
	opts := SBOMOptions{Name: "qsync", Version: "v1.2.0", License: "Apache-2.0", Time: when, Revision: "0123456789abcdef0123456789abcdef01234567"}
	a, err := SBOM([]*debug.BuildInfo{linux, windows}, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := SBOM([]*debug.BuildInfo{linux, windows}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two SBOMs of the same inputs differ")
	}
	var doc struct {
		BOMFormat, SpecVersion, SerialNumber string
		Metadata                             struct {
			Timestamp string
			Component struct {
				Name, Version, PURL string
				Licenses            []struct{ License struct{ ID string } }
			}
		}
		Components []struct{ Name, Version, PURL string }
	}
	if err := json.Unmarshal(a, &doc); err != nil {
		t.Fatal(err)
	}
	var comps []string
	for _, c := range doc.Components {
		comps = append(comps, c.PURL)
	}
	want := []string{"pkg:golang/stdlib@1.26.0", "pkg:golang/example.com/sys-fork@v0.1.0", "pkg:golang/github.com/alecthomas/kong@v1.17.0", "pkg:golang/gopkg.in/yaml.v3@v3.0.1"}
	if strings.Join(comps, " ") != strings.Join(want, " ") {
		t.Errorf("components %v, want %v (the union, replacements applied, sorted, once each)", comps, want)
	}
	if doc.BOMFormat != "CycloneDX" || doc.SpecVersion != "1.5" || doc.Metadata.Timestamp != "2023-11-14T22:13:20Z" ||
		doc.Metadata.Component.PURL != "pkg:golang/github.com/qsync/qsync@v1.2.0" || doc.Metadata.Component.Licenses[0].License.ID != "Apache-2.0" {
		t.Errorf("metadata: %+v", doc)
	}
	if !regexp.MustCompile(`"name": "vcs:revision",\s*"value": "0123456789abcdef0123456789abcdef01234567"`).Match(a) {
		t.Errorf("the main component does not carry the revision:\n%s", a)
	}
	if !strings.HasPrefix(doc.SerialNumber, "urn:uuid:") || len(doc.SerialNumber) != len("urn:uuid:")+36 {
		t.Errorf("serial number %q", doc.SerialNumber)
	}
	c, _ := SBOM([]*debug.BuildInfo{linux}, opts)
	var other struct{ SerialNumber string }
	_ = json.Unmarshal(c, &other)
	if other.SerialNumber == doc.SerialNumber {
		t.Error("SBOMs of different inputs share a serial number")
	}
	if _, err := SBOM(nil, opts); err == nil {
		t.Error("an SBOM of nothing must be an error")
	}
}

func TestChecksumsVerify(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"b.tar.gz": "bbb", "a.zip": "aaa"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var sums bytes.Buffer
	if err := WriteChecksums(&sums, dir, []string{"b.tar.gz", "a.zip"}); err != nil {
		t.Fatal(err)
	}
	// sha256("aaa"), sha256("bbb"): the format of sha256sum, sorted by name.
	want := "9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0  a.zip\n" +
		"3e744b9dc39389baf0c5a0660589b8402f3dbb49b89b3e75f2c9355852a3c677  b.tar.gz\n"
	if sums.String() != want {
		t.Fatalf("got\n%swant\n%s", sums.String(), want)
	}
	if bad, err := VerifyChecksums(sums.Bytes(), dir); err != nil || len(bad) != 0 {
		t.Fatalf("verify: %v %v", bad, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.zip"), []byte("tampered"), 0o644); err != nil {
		t.Fatal(err)
	}
	if bad, _ := VerifyChecksums(sums.Bytes(), dir); len(bad) != 1 || bad[0] != "a.zip" {
		t.Fatalf("a changed file must fail verification: %v", bad)
	}
	if _, err := VerifyChecksums([]byte("nonsense"), dir); err == nil {
		t.Fatal("a malformed line must be an error")
	}
}

func TestArchivesAreReproducible(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "qsync")
	if err := os.WriteFile(src, []byte("#!binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := []File{{Name: "qsync", Path: src, Mode: 0o755}}
	when := time.Unix(1700000000, 0)
	for _, write := range []func(string, []File, time.Time) error{WriteTarGz, WriteZip} {
		a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		if err := write(a, files, when); err != nil {
			t.Fatal(err)
		}
		// The source file's own time must not matter.
		if err := os.Chtimes(src, time.Now(), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := write(b, files, when); err != nil {
			t.Fatal(err)
		}
		x, _ := os.ReadFile(a)
		y, _ := os.ReadFile(b)
		if !bytes.Equal(x, y) || len(x) == 0 {
			t.Fatal("two archives of the same inputs differ")
		}
	}
	a := filepath.Join(dir, "t.tar.gz")
	if err := WriteTarGz(a, files, when); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(a)
	gz, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	h, err := tr.Next()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(tr)
	if h.Name != "qsync" || h.Mode != 0o755 || !h.ModTime.Equal(when) || string(body) != "#!binary" {
		t.Fatalf("entry %+v %q", h, body)
	}
}
