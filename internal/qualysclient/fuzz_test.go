package qualysclient

import (
	"os"
	"path/filepath"
	"testing"
)

// addSamples seeds a fuzz target with every committed sample body. The
// committed corpus in testdata/fuzz/<target>/ adds hand-made edge cases
// (truncations, deep nesting, odd ranges). Without -fuzz, go test runs the
// seeds as ordinary unit tests.
func addSamples(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "samples", "*.xml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzDecodeRecordList(f *testing.F) {
	addSamples(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		root, err := parseXML(body)
		if err != nil {
			return
		}
		recs, w, err := decodeRecordList(root, Unix)
		if err != nil {
			return
		}
		for _, r := range recs {
			if r.ID <= 0 || r.Type != Unix {
				t.Fatalf("decoded record %+v", r)
			}
		}
		if w != nil {
			if id, err := w.nextIDMin(); err == nil && id <= 0 {
				t.Fatalf("id_min %d", id)
			}
		}
	})
}

func FuzzDecodeListAll(f *testing.F) {
	addSamples(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		root, err := parseXML(body)
		if err != nil {
			return
		}
		m, _, err := decodeListAll(root)
		if err != nil {
			return
		}
		for ty, ids := range m {
			if ty == "" {
				t.Fatal("empty record type")
			}
			for _, id := range ids {
				if id <= 0 {
					t.Fatalf("id %d", id)
				}
			}
		}
	})
}

func FuzzDecodeBatchReturn(f *testing.F) {
	addSamples(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		root, err := parseXML(body)
		if err != nil {
			return
		}
		ids, err := writeResult("op", root)
		if err != nil {
			return
		}
		for _, id := range ids {
			if id <= 0 {
				t.Fatalf("id %d", id)
			}
		}
	})
}

func FuzzDecodeSimpleReturn(f *testing.F) {
	addSamples(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		root, err := parseXML(body)
		if err != nil {
			return
		}
		if sr := responseError(root); sr != nil && !sr.HasCode {
			t.Fatal("responseError without a code")
		}
		_, _ = decodeSimpleReturn(root)
	})
}

func FuzzDecodeVaultList(f *testing.F) {
	addSamples(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		root, err := parseXML(body)
		if err != nil {
			return
		}
		vs, _, err := decodeVaultList(root)
		if err != nil {
			return
		}
		for _, v := range vs {
			if v.ID <= 0 {
				t.Fatalf("vault %+v", v)
			}
		}
	})
}

func FuzzDecodeVaultView(f *testing.F) {
	addSamples(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		root, err := parseXML(body)
		if err != nil {
			return
		}
		v, shape, err := decodeVaultView(root, 42)
		if err == nil && (v.ID != 42 || shape == "") {
			t.Fatalf("vault %+v from %q", v, shape)
		}
	})
}

func FuzzParseIDs(f *testing.F) {
	for _, s := range []string{"1,5,9-12", "", "abc123", "3-1", " 7 ,8-9", "9223372036854775807", "1-999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ids, err := ParseIDs(s)
		if err != nil {
			return
		}
		again, err := ParseIDs(FormatIDs(ids))
		if err != nil || len(again) != len(ids) {
			t.Fatalf("round trip of %q: %v, %v", s, again, err)
		}
		for i := range ids {
			if ids[i] != again[i] {
				t.Fatalf("round trip of %q: %v != %v", s, ids, again)
			}
		}
	})
}
