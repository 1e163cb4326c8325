package qualysclient

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/qsync/qsync/internal/qualysclient/xmltree"
)

// RecordType is the /api/2.0/fo/auth/<type>/ slug of an authentication
// record kind: "mysql", "unix", "windows", ... Any slug of lower-case
// letters, digits and underscores is accepted, since decoding is generic.
// Cisco and Checkpoint Firewall records are Unix records with a sub_type.
type RecordType string

// Record types of the seed documents. Any other slug works the same way.
const (
	MySQL   RecordType = "mysql"
	Unix    RecordType = "unix"
	Windows RecordType = "windows"
)

// Record is one AUTH_<TYPE> element of a per-type list, decoded generically.
// Secrets are never part of it: Qualys does not return them.
type Record struct {
	ID    int64
	Type  RecordType
	Title string
	// Comments is the COMMENTS text, trimmed.
	Comments string
	// IPs holds the IP_SET entries in document order: "10.0.0.1" (IP) or
	// "10.0.0.1-10.0.0.9" (IP_RANGE).
	IPs []string
	// LoginType is LOGIN_TYPE: "basic" or "vault" ("" if absent).
	LoginType string
	// Vault is the DIGITAL_VAULT block; nil when absent.
	Vault *DigitalVault
	// Fields holds every other leaf element by name ("USERNAME", "PORT",
	// "SSL_VERIFY", "SUB_TYPE", "NETWORK_ID", "CLIENT_CERT", ...), text
	// trimmed. A LAST_MODIFIED/BY, when present, is kept as
	// "LAST_MODIFIED_BY".
	Fields map[string]string
	// Lists holds container elements of repeated leaves, e.g.
	// "HOSTS" -> ["www.test.com"].
	Lists map[string][]string
	// Entries holds containers of structured entries, e.g.
	// "ROOT_TOOL_INFO_LIST" -> its ROOT_TOOL_INFO elements and
	// "PRIVATE_KEY_CERTIFICATE_LIST" -> its PRIVATE_KEY_CERTIFICATE elements
	// (see Entry). Present and empty when the container is listed empty.
	Entries map[string][]Entry
	// Unparsed names the elements with deeper structure that the generic
	// model does not hold, in document order.
	Unparsed []string
	// CreatedAt, CreatedBy and ModifiedAt come from CREATED and
	// LAST_MODIFIED; zero when absent or unparsable.
	CreatedAt  time.Time
	CreatedBy  string
	ModifiedAt time.Time
}

// Entry is one structured entry of a record (a unix ROOT_TOOL_INFO or
// PRIVATE_KEY_CERTIFICATE): its ID, its leaf elements (ROOT_TOOL ->
// "PowerBroker") and its typed elements (PASSWORD_INFO, PRIVATE_KEY_INFO,
// PASSPHRASE_INFO, CERTIFICATE). Secret values are never listed by Qualys.
type Entry struct {
	ID     int64
	Fields map[string]string
	Infos  map[string]EntryInfo
}

// EntryInfo is a typed element of an Entry: its type attribute ("basic",
// "vault", "openssh", "x.509"), the type attribute of a PRIVATE_KEY inside
// it ("rsa"), and its DIGITAL_VAULT block (nil when absent).
type EntryInfo struct {
	Type    string
	KeyType string
	Vault   *DigitalVault
}

// DigitalVault is the DIGITAL_VAULT block of a record: the vault it logs in
// through and the record's vault settings.
type DigitalVault struct {
	ID    int64  // DIGITAL_VAULT_ID
	Type  string // DIGITAL_VAULT_TYPE, e.g. "CA PAM"
	Title string // DIGITAL_VAULT_TITLE
	// Fields holds the VAULT_* elements ("VAULT_APP_NAME", "VAULT_SECRET_NAME", ...).
	Fields map[string]string
}

// ListOptions filters a list. Zero values are not sent.
type ListOptions struct {
	IDs          []int64 // sent compressed as ids=1,5,9-12
	IDMin, IDMax int64
	Title        string // records whose title contains this text
	Comments     string // records whose comments contain this text
}

// validate rejects IDs Qualys would refuse, before any call is made.
func (o ListOptions) validate() error {
	for _, id := range o.IDs {
		if id <= 0 {
			return fmt.Errorf("invalid id %d in list filter", id)
		}
	}
	if o.IDMin < 0 || o.IDMax < 0 || (o.IDMax > 0 && o.IDMin > o.IDMax) {
		return fmt.Errorf("invalid id range filter %d-%d", o.IDMin, o.IDMax)
	}
	return nil
}

func (o ListOptions) values() url.Values {
	v := url.Values{}
	if len(o.IDs) > 0 {
		v.Set("ids", FormatIDs(o.IDs))
	}
	if o.IDMin > 0 {
		v.Set("id_min", strconv.FormatInt(o.IDMin, 10))
	}
	if o.IDMax > 0 {
		v.Set("id_max", strconv.FormatInt(o.IDMax, 10))
	}
	if o.Title != "" {
		v.Set("title", o.Title)
	}
	if o.Comments != "" {
		v.Set("comments", o.Comments)
	}
	return v
}

var slugRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

const authPath = "/api/2.0/fo/auth/"

func recordPath(t RecordType) (string, error) {
	if !slugRE.MatchString(string(t)) {
		return "", fmt.Errorf("invalid record type %q: want a /fo/auth/<type>/ slug such as mysql, unix or windows", string(t))
	}
	return authPath + string(t) + "/", nil
}

// ListRecords lists the records of one type with all their attributes:
// POST /api/2.0/fo/auth/<type>/ action=list details=Basic. It follows every
// truncation WARNING (1,000 records per page) to the end; an error on any
// page fails the whole list.
func (c *Client) ListRecords(ctx context.Context, t RecordType, opt ListOptions) ([]Record, error) {
	var out []Record
	err := c.listRecordPages(ctx, t, opt, false, func(page []Record) error {
		if out == nil {
			out = page // most lists are one page: keep its slice
		} else {
			out = append(out, page...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListRecordPages is ListRecords handing each page's records to fn as soon
// as the page is decoded, so that a caller converting them never holds the
// whole list at once. fn borrows the records: once it returns, their slice,
// maps (Fields, a DigitalVault's Fields) and DigitalVault blocks are reused
// for the next page, so fn must copy out what it keeps (strings may be kept).
// Reusing them saved a third of the allocation of reading a 100,000-record
// estate. An error from fn stops the list (no further page is requested) and
// is returned unchanged; so is the error of any page, and then fn may already
// have seen earlier pages.
func (c *Client) ListRecordPages(ctx context.Context, t RecordType, opt ListOptions, fn func([]Record) error) error {
	return c.listRecordPages(ctx, t, opt, true, fn)
}

// listRecordPages is ListRecordPages; fn owns the records it is given unless borrowed.
func (c *Client) listRecordPages(ctx context.Context, t RecordType, opt ListOptions, borrowed bool, fn func([]Record) error) error {
	op := fmt.Sprintf("list %s records", t)
	path, err := recordPath(t)
	if err == nil {
		err = opt.validate()
	}
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	params := opt.values()
	params.Set("details", "Basic")
	sink := &recordSink{t: t, borrowed: borrowed}
	var fnErr error
	err = c.paginateWith(ctx, op, path, params, sink, func(root *xmltree.Node) (*warning, error) {
		recs, w, err := decodeRecordPage(root, sink)
		if err != nil {
			return nil, err
		}
		if len(recs) > 0 {
			if !borrowed {
				sink.recs = nil // fn owns them now
			}
			if fnErr = fn(recs); fnErr != nil {
				return nil, fnErr
			}
		}
		return w, nil
	})
	if fnErr != nil {
		return fnErr
	}
	return err
}

// ListAll lists the IDs of every record of every type: POST
// /api/2.0/fo/auth/ action=list. The map is keyed by the lower-cased <TYPE>
// of each AUTH_<TYPE>_RECORDS element (present, possibly with no IDs, when
// the element is). Truncation WARNINGs are followed. An answer of a shape
// the client does not know, including an element it cannot place, is an
// *UnexpectedAnswerError (errors.Is ErrUnexpectedAnswer), never an empty map.
func (c *Client) ListAll(ctx context.Context, opt ListOptions) (map[RecordType][]int64, error) {
	if err := opt.validate(); err != nil {
		return nil, fmt.Errorf("list auth records: %w", err)
	}
	out := map[RecordType][]int64{}
	err := c.paginate(ctx, "list auth records", authPath, opt.values(), func(root *xmltree.Node) (*warning, error) {
		m, w, err := decodeListAll(root)
		for t, ids := range m {
			out[t] = append(out[t], ids...)
		}
		return w, err
	})
	if err != nil {
		return nil, err
	}
	for t, ids := range out {
		out[t] = dedupeIDs(ids)
	}
	return out, nil
}

const maxPages = 100000

// paginate issues a list request and, while the answer carries a truncation
// WARNING, re-issues it with the WARNING URL's id_min against the configured
// base URL (the URL itself is never requested).
func (c *Client) paginate(ctx context.Context, op, path string, params url.Values, page func(*xmltree.Node) (*warning, error)) error {
	return c.paginateWith(ctx, op, path, params, nil, page)
}

// paginateWith is paginate with a record sink filled while each page is
// parsed.
func (c *Client) paginateWith(ctx context.Context, op, path string, params url.Values, sink *recordSink, page func(*xmltree.Node) (*warning, error)) error {
	// last is the id_min of the page being read: the caller's, on the
	// first page. A WARNING must point past it.
	last, _ := strconv.ParseInt(params.Get("id_min"), 10, 64)
	for n := 1; ; n++ {
		var w *warning
		pageOp := op
		if n > 1 {
			pageOp = fmt.Sprintf("%s (page %d, id_min %d)", op, n, last)
		}
		err := c.do(ctx, &request{op: pageOp, path: path, action: "list", params: params, sink: sink, decode: func(root *xmltree.Node) error {
			var err error
			w, err = page(root)
			return err
		}})
		if err != nil {
			return err
		}
		if w == nil {
			return nil
		}
		c.observeWarning(path, w)
		next, err := w.nextIDMin()
		if err != nil {
			return fmt.Errorf("%s: %w", pageOp, err)
		}
		if next <= last {
			return fmt.Errorf("%s: truncation WARNING does not advance (id_min %d after %d)", pageOp, next, last)
		}
		if n >= maxPages {
			return fmt.Errorf("%s: more than %d pages", op, maxPages)
		}
		last = next
		params = cloneValues(params)
		params.Set("id_min", strconv.FormatInt(next, 10))
	}
}

// CreateRecord creates one record: POST /api/2.0/fo/auth/<type>/
// action=create with params (Qualys parameter names: title, ips, username,
// ...). It returns the new record's ID. It is never re-sent after a failure
// of unknown outcome; then it returns an *OutcomeUnknownError.
func (c *Client) CreateRecord(ctx context.Context, t RecordType, params url.Values) (int64, error) {
	op := fmt.Sprintf("create %s record", t)
	path, err := recordPath(t)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	var id int64
	err = c.do(ctx, &request{op: op, path: path, action: "create", params: writeParams(params), write: true, decode: func(root *xmltree.Node) error {
		ids, err := writeResult(op, root)
		if err != nil {
			return err
		}
		if len(ids) != 1 {
			return fmt.Errorf("expected the new record's ID, got %d IDs", len(ids))
		}
		id = ids[0]
		return nil
	}})
	return id, err
}

// UpdateRecords applies the same params to every record in ids: POST
// /api/2.0/fo/auth/<type>/ action=update ids=<compressed ids>. A BATCH with
// a CODE gives a *BatchError naming failed and succeeded IDs.
func (c *Client) UpdateRecords(ctx context.Context, t RecordType, ids []int64, params url.Values) error {
	return c.batchWrite(ctx, "update", t, ids, params)
}

// DeleteRecords deletes every record in ids: POST /api/2.0/fo/auth/<type>/
// action=delete ids=<compressed ids>. A BATCH with a CODE gives a
// *BatchError naming failed and succeeded IDs.
func (c *Client) DeleteRecords(ctx context.Context, t RecordType, ids []int64) error {
	return c.batchWrite(ctx, "delete", t, ids, nil)
}

func (c *Client) batchWrite(ctx context.Context, action string, t RecordType, ids []int64, params url.Values) error {
	op := fmt.Sprintf("%s %s records", action, t)
	path, err := recordPath(t)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if len(ids) == 0 {
		return fmt.Errorf("%s: no ids given", op)
	}
	for _, id := range ids {
		if id <= 0 {
			return fmt.Errorf("%s: invalid id %d", op, id)
		}
	}
	op = fmt.Sprintf("%s %s records %s", action, t, FormatIDs(ids))
	p := writeParams(params)
	p.Set("ids", FormatIDs(ids))
	err = c.do(ctx, &request{op: op, path: path, action: action, params: p, write: true, decode: func(root *xmltree.Node) error {
		_, err := writeResult(op, root)
		return err
	}})
	if action == "update" && nothingChanged(err) {
		return nil
	}
	return err
}

// writeParams copies caller params, dropping those the client sets itself.
func writeParams(params url.Values) url.Values {
	p := cloneValues(params)
	for _, k := range []string{"action", "ids", "id", "echo_request"} {
		p.Del(k)
	}
	return p
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// writeResult interprets the answer to a create, update or delete: a
// BATCH_RETURN (records) or a SIMPLE_RETURN without CODE (vaults). It returns
// the IDs reported as changed, or a *BatchError when a BATCH carries a CODE.
func writeResult(op string, root *xmltree.Node) ([]int64, error) {
	switch root.Name {
	case "SIMPLE_RETURN":
		sr, err := decodeSimpleReturn(root)
		if err != nil {
			return nil, err
		}
		v, ok := sr.Items["ID"]
		if !ok {
			return nil, nil
		}
		ids, err := ParseIDs(v)
		if err != nil {
			return nil, fmt.Errorf("SIMPLE_RETURN ID item: %v", err)
		}
		return ids, nil
	case "BATCH_RETURN":
		batches, err := decodeBatchReturn(root)
		if err != nil {
			return nil, err
		}
		if len(batches) == 0 {
			return nil, errors.New("BATCH_RETURN holds no BATCH")
		}
		var ok []int64
		var failed []BatchFailure
		for _, b := range batches {
			if b.HasCode {
				failed = append(failed, BatchFailure{Code: b.Code, Text: b.Text, IDs: b.IDs})
			} else {
				ok = append(ok, b.IDs...)
			}
		}
		if len(failed) > 0 {
			return ok, &BatchError{Op: op, Succeeded: ok, Failed: failed}
		}
		return ok, nil
	}
	return nil, fmt.Errorf("expected BATCH_RETURN or SIMPLE_RETURN, got <%s>", root.Name)
}
