/// The statements of leases that SQLite and PostgreSQL share, with positional parameters.
public enum LeaseSQL {
    /// Takes or renews a lease in one statement, returning its token, or no row when another
    /// holder has it unexpired. Parameters: name, holder, expiry, now.
    public static let acquire = """
        INSERT INTO leases (name, holder, token, expires_at) VALUES ($1, $2, 1, $3)
        ON CONFLICT (name) DO UPDATE SET
            token = CASE WHEN leases.holder = excluded.holder THEN leases.token ELSE leases.token + 1 END,
            holder = excluded.holder, expires_at = excluded.expires_at
        WHERE leases.holder = excluded.holder OR leases.expires_at <= $4
        RETURNING token
        """

    /// Gives a lease up if the holder has it. Parameters: name, holder.
    public static let release = "UPDATE leases SET holder = '', expires_at = -1e15 WHERE name = $1 AND holder = $2"

    /// Every lease. Columns: name, holder, token, expiry.
    public static let all = "SELECT name, holder, token, expires_at FROM leases ORDER BY name"
}
