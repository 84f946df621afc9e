package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// keyslotCommand is `secretary keyslot list|add|remove|change-passphrase`:
// the credentials that unlock the local store.
func keyslotCommand() *command {
	return &command{name: "keyslot",
		usage:   "list | add (--passphrase | --new-key-file PATH) | remove --key-slot-id N | change-passphrase",
		summary: "List, add or remove the passphrases and key files that unlock the local store.",
		details: `
The store's root key is kept wrapped once per keyslot, so any slot's
passphrase or key opens it. Every command first unlocks the store as usual
(--key-file, ` + envKey + `, ` + envPassphrase + ` or a prompt).

list               each slot's id, type (passphrase or key), creation date,
                   and which one unlocked this command.
add --passphrase   adds a passphrase, typed twice (or taken from
                   ` + envNewPassphrase + `).
add --new-key-file PATH
                   adds a key file: a new random key is written to PATH
                   with mode 0600, or an existing key file is used. Its
                   text also works as ` + envKey + `.
remove --key-slot-id N
                   removes a slot. The slot that unlocked this command
                   cannot be removed: unlock with another one to remove it.
                   That way the last slot never goes, and a slot goes only
                   while you hold another that works.
change-passphrase  replaces the passphrase that unlocked this command with
                   a new one (typed twice, or ` + envNewPassphrase + `), in
                   one transaction.
Adding and removing slots is audited.`,
		params: []param{
			{name: "passphrase", kind: kBool, help: "add a passphrase slot (add)"},
			{name: "new-key-file", kind: kString, help: "add a key file slot, creating the file if missing (add)"},
			{name: "key-slot-id", kind: kInt, help: "the slot to remove (remove)"},
		},
		maxPos: 1,
		run:    runKeyslot}
}

func runKeyslot(ctx context.Context, a *app, args *args) error {
	if a.cfg.Backend != "local" {
		return usagef("keyslot manages how the local store unlocks; it has no meaning with --backend %s", a.cfg.Backend)
	}
	action, err := parseAction("keyslot", args, []actionSpec{
		{name: "list"},
		{name: "add", allowed: []string{"passphrase", "new-key-file"}},
		{name: "remove", allowed: []string{"key-slot-id"}, required: []string{"key-slot-id"}},
		{name: "change-passphrase"},
	})
	if err != nil {
		return err
	}
	switch action {
	case "add":
		if args.has("passphrase") == args.has("new-key-file") || (args.has("passphrase") && !args.bools["passphrase"]) {
			return usagef("keyslot add needs exactly one of --passphrase and --new-key-file PATH")
		}
	case "remove":
		if args.ints["key-slot-id"] <= 0 {
			return usagef("--key-slot-id must be a slot id as `keyslot list` prints it")
		}
	}

	// The store is unlocked first, as passwd asks for the current
	// password before the new one; a new key file is made only after that,
	// so a wrong credential leaves nothing behind.
	s, err := a.openLocal(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	var newPass []byte
	if action == "change-passphrase" || args.bools["passphrase"] {
		if newPass, err = a.newPassphrase(ctx, envNewPassphrase); err != nil {
			return err
		}
		defer wipe(newPass)
	}
	switch action {
	case "list":
		err = listKeySlots(ctx, a, s)
		return a.opErr("ListKeySlots", err)
	case "add":
		return a.opErr("AddKeySlot", addKeySlot(ctx, a, s, newPass, args.str("new-key-file")))
	case "remove":
		id := int64(args.ints["key-slot-id"])
		if err := s.RemoveKeySlot(ctx, id); err != nil {
			return a.opErr("RemoveKeySlot", err)
		}
		fmt.Fprintf(a.stderr, "Removed keyslot %d.\n", id)
		return nil
	default:
		id, err := s.ChangePassphrase(ctx, newPass)
		if err != nil {
			return a.opErr("ChangePassphrase", err)
		}
		fmt.Fprintf(a.stderr, "Changed the passphrase: keyslot %d replaces the one you unlocked with.\n", id)
		return a.print(object{}.add("KeySlotId", id).add("Type", local.KeySlotPassphrase))
	}
}

func listKeySlots(ctx context.Context, a *app, s *local.Store) error {
	slots, err := s.ListKeySlots(ctx)
	if err != nil {
		return err
	}
	list := make([]any, 0, len(slots))
	for _, k := range slots {
		o := object{}.add("KeySlotId", k.ID).add("Type", k.Kind).add("CreatedDate", k.Created)
		if k.Kind == local.KeySlotPassphrase {
			o = o.add("Kdf", fmt.Sprintf("argon2id m=%dMiB t=%d p=%d", k.KDF.MemoryKiB/1024, k.KDF.Time, k.KDF.Threads))
		}
		list = append(list, o.add("UnlockedThisCommand", k.Current))
	}
	return a.print(object{}.addAlways("KeySlots", list))
}

func addKeySlot(ctx context.Context, a *app, s *local.Store, pass []byte, keyFile string) error {
	cred := local.Credential{Passphrase: pass}
	what := "the new passphrase"
	generated := false
	if keyFile != "" {
		cred = local.Credential{KeyFile: keyFile}
		what = "the key file " + keyFile
		if _, err := os.Stat(keyFile); errors.Is(err, os.ErrNotExist) {
			if err := local.GenerateKeyFile(keyFile); err != nil {
				return &configError{fmt.Errorf("creating the key file %s: %w", keyFile, err)}
			}
			generated = true
			what = "the new key file " + keyFile
		}
	}
	id, err := s.AddKeySlot(ctx, cred)
	if err != nil {
		if generated {
			// A key file that unlocks nothing is only a liability.
			os.Remove(keyFile)
		}
		return err
	}
	kind := local.KeySlotPassphrase
	if keyFile != "" {
		kind = local.KeySlotKey
	}
	fmt.Fprintf(a.stderr, "Added keyslot %d: %s now unlocks %s.\n", id, what, s.Path())
	return a.print(object{}.add("KeySlotId", id).add("Type", kind))
}

// kmsKeyCommand is `secretary kms-key list|create|rotate`: the named keys
// that wrap the data keys of secret versions, the local analog of KMS keys.
func kmsKeyCommand() *command {
	return &command{name: "kms-key", usage: "list | create --alias NAME | rotate --key-id ID",
		summary: "List, create or rotate the local store's named encryption keys (the KmsKeyId analog).",
		details: `
Each secret version's data key is wrapped by a named key; secrets use
aws/secretsmanager unless created with --kms-key-id naming another by id,
alias or alias/NAME.
list              every key's id, alias, current version, when it was last
                  rotated and how many secret versions it wraps.
create --alias NAME
                  creates a key.
rotate --key-id ID
                  adds a new key version and re-wraps every data key under
                  it in one transaction; the values' ciphertexts are not
                  touched. ID is an id, an alias or alias/NAME.
Creating and rotating keys is audited. No key material is ever printed.`,
		params: []param{
			{name: "alias", kind: kString, help: "the new key's alias (create)"},
			{name: "key-id", kind: kString, help: "the key to rotate: id, alias or alias/NAME (rotate)"},
		},
		maxPos: 1,
		run:    runKMSKey}
}

func runKMSKey(ctx context.Context, a *app, args *args) error {
	if a.cfg.Backend != "local" {
		return usagef("kms-key manages the local store's keys; on AWS use `aws kms`")
	}
	action, err := parseAction("kms-key", args, []actionSpec{
		{name: "list"},
		{name: "create", allowed: []string{"alias"}, required: []string{"alias"}},
		{name: "rotate", allowed: []string{"key-id"}, required: []string{"key-id"}},
	})
	if err != nil {
		return err
	}
	s, err := a.openLocal(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	switch action {
	case "list":
		keys, err := s.ListKeys(ctx)
		if err != nil {
			return a.opErr("ListKeys", err)
		}
		list := make([]any, 0, len(keys))
		for _, k := range keys {
			list = append(list, keyJSON(k))
		}
		return a.print(object{}.addAlways("Keys", list))
	case "create":
		id, err := s.CreateKey(ctx, args.str("alias"))
		if err != nil {
			return a.opErr("CreateKey", err)
		}
		k, err := s.DescribeKey(ctx, id)
		if err != nil {
			return a.opErr("DescribeKey", err)
		}
		return a.print(object{}.add("KeyMetadata", keyJSON(k)))
	default:
		ref := args.str("key-id")
		if err := s.RotateKey(ctx, ref); err != nil {
			return a.opErr("RotateKey", err)
		}
		k, err := s.DescribeKey(ctx, ref)
		if err != nil {
			return a.opErr("DescribeKey", err)
		}
		// The alias is the store's: it reaches the terminal escaped.
		fmt.Fprintf(a.stderr, "Rotated %s to version %d; re-wrapped the data keys of %d secret versions.\n",
			escaped.Line(displayAlias(k)), k.Version, k.SecretVersions)
		return a.print(object{}.add("KeyMetadata", keyJSON(k)))
	}
}

func keyJSON(k local.Key) object {
	o := object{}.add("KeyId", k.ID)
	if k.Alias != "" {
		o = o.add("AliasName", "alias/"+k.Alias)
	}
	return o.add("CreationDate", k.Created).
		add("KeyVersion", k.Version).
		add("LastRotatedDate", k.Rotated).
		add("SecretVersions", k.SecretVersions)
}

func displayAlias(k local.Key) string {
	if k.Alias != "" {
		return "alias/" + k.Alias
	}
	return k.ID
}

// opErr reports a failed store operation the way the AWS CLI would, naming
// op, and returns the exit code as an error; nil stays nil.
func (a *app) opErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return &exitCodeError{code: a.fail(op, err)}
}
