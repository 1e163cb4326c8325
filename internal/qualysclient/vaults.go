package qualysclient

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/qsync/qsync/internal/qualysclient/xmltree"
)

const vaultPath = "/api/2.0/fo/vault/"

// Vault is an authentication vault. List output carries only ID, Title,
// Type and the modification stamp; view output adds Comments and Fields.
// Secrets are never returned by Qualys.
type Vault struct {
	ID         int64
	Title      string
	Type       string // VAULT_TYPE display string, e.g. "CA PAM"
	Comments   string
	ModifiedAt time.Time
	ModifiedBy string
	// Fields holds the non-secret settings from view, by upper-cased
	// parameter name: "URL", "SSL_VERIFY", "APIKEY_NAME", ...
	Fields map[string]string
	// Shape is, for a viewed vault, the path of the element the view answer
	// was decoded from (see decodeVaultView); empty for a listed vault.
	Shape string
	// Unparsed names child elements with deeper structure that the model
	// does not hold.
	Unparsed []string
}

// ListVaults lists every vault (title, type, ID, last modified): POST
// /api/2.0/fo/vault/ action=list. Truncation WARNINGs are followed.
func (c *Client) ListVaults(ctx context.Context) ([]Vault, error) {
	var out []Vault
	err := c.paginate(ctx, "list vaults", vaultPath, url.Values{}, func(root *xmltree.Node) (*warning, error) {
		vs, w, err := decodeVaultList(root)
		out = append(out, vs...)
		return w, err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ViewVault returns one vault with its non-secret settings: POST
// /api/2.0/fo/vault/ action=view id=<id>. The answer is decoded leniently
// (see decodeVaultView): both shapes of wire contract row 1
// (AUTH_VAULT_VIEW_OUTPUT or SIMPLE_RETURN ITEM_LIST) and any document whose
// RESPONSE holds a vault-like element. An answer the client cannot
// interpret is an *UnexpectedAnswerError (errors.Is ErrUnexpectedAnswer).
func (c *Client) ViewVault(ctx context.Context, id int64) (Vault, error) {
	op := fmt.Sprintf("view vault %d", id)
	if id <= 0 {
		return Vault{}, fmt.Errorf("%s: invalid id", op)
	}
	var v Vault
	err := c.do(ctx, &request{op: op, path: vaultPath, action: "view", params: idParam(nil, id), decode: func(root *xmltree.Node) error {
		var err error
		var shape string
		v, shape, err = decodeVaultView(root, id)
		if err != nil {
			shape = "unrecognised <" + root.Name + ">"
		}
		c.observeViewShape(shape)
		v.Shape = shape
		return err
	}})
	return v, err
}

// CreateVault creates a vault: POST /api/2.0/fo/vault/ action=create with
// params (type, title, and the type's settings). It returns the new vault's
// ID from the SIMPLE_RETURN ITEM_LIST. It is never re-sent after a failure of
// unknown outcome; then it returns an *OutcomeUnknownError.
func (c *Client) CreateVault(ctx context.Context, params url.Values) (int64, error) {
	op := "create vault"
	if t := params.Get("title"); t != "" {
		op = fmt.Sprintf("create vault %q", t)
	}
	var id int64
	err := c.do(ctx, &request{op: op, path: vaultPath, action: "create", params: writeParams(params), write: true, decode: func(root *xmltree.Node) error {
		ids, err := writeResult(op, root)
		if err != nil {
			return err
		}
		if len(ids) != 1 {
			return fmt.Errorf("expected the new vault's ID, got %d IDs", len(ids))
		}
		id = ids[0]
		return nil
	}})
	return id, err
}

// UpdateVault changes a vault's settings: POST /api/2.0/fo/vault/
// action=update id=<id> with params (type is usually required by Qualys).
func (c *Client) UpdateVault(ctx context.Context, id int64, params url.Values) error {
	return c.vaultWrite(ctx, "update", id, params)
}

// DeleteVault deletes a vault: POST /api/2.0/fo/vault/ action=delete
// id=<id>. Qualys refuses to delete a vault still used by a record.
func (c *Client) DeleteVault(ctx context.Context, id int64) error {
	return c.vaultWrite(ctx, "delete", id, nil)
}

func (c *Client) vaultWrite(ctx context.Context, action string, id int64, params url.Values) error {
	op := fmt.Sprintf("%s vault %d", action, id)
	if id <= 0 {
		return fmt.Errorf("%s: invalid id", op)
	}
	return c.do(ctx, &request{op: op, path: vaultPath, action: action, params: idParam(params, id), write: true, decode: func(root *xmltree.Node) error {
		_, err := writeResult(op, root)
		return err
	}})
}

func idParam(params url.Values, id int64) url.Values {
	p := writeParams(params)
	p.Set("id", strconv.FormatInt(id, 10))
	return p
}
