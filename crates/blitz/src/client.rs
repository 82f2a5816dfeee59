//! The HTTP client: one method per panel endpoint.

use std::{fmt, time::Duration};

use serde::de::DeserializeOwned;

use crate::{
    error::{self, Endpoint, Error},
    username::validate_username,
    wire::{
        BulkBody, CreateBody, EditBody, Links, NewUser, ServerStatus, ServicesStatus, User,
        UserEdit, Version,
    },
};

/// A blocking client for one panel.
///
/// Cheap to clone (clones share one connection pool) and safe to use from
/// many threads. Each call is one HTTP request, except the helpers
/// ([`Client::ensure_user`], [`Client::extend_days`],
/// [`Client::start_new_period`], [`Client::usage`]) that say otherwise;
/// nothing is retried. `Debug` does not show the API token.
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    /// Base URL without a trailing slash, e.g. `https://panel:8443/abc/api/v1`.
    base_url: String,
    token: String,
    timeout: Duration,
}

/// Biggest answer body read; a list of thousands of users fits easily.
const MAX_BODY: u64 = 64 * 1024 * 1024;

impl Client {
    /// Builds a client for the panel at `base_url`, e.g.
    /// `https://panel.example.com:8443/ROOT_PATH/api/v1` (a trailing slash is fine).
    ///
    /// `api_token` is sent raw in the `Authorization` header, without
    /// `Bearer`. `timeout` bounds connecting and, separately, each whole
    /// call; a call that takes longer fails with [`Error::Transient`].
    ///
    /// Fails with [`Error::InvalidBaseUrl`] unless `base_url` is an
    /// `http://` or `https://` URL with a host and no query or fragment, and
    /// with [`Error::InvalidToken`] if the token is empty or cannot be a
    /// header value. Sends no request.
    pub fn new(base_url: &str, api_token: &str, timeout: Duration) -> Result<Self, Error> {
        let base_url = normalize_base_url(base_url)?;
        validate_token(api_token)?;
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(timeout))
            .timeout_global(Some(timeout))
            // Error answers carry the panel's `detail`; read them ourselves.
            .http_status_as_error(false)
            // The panel never redirects a correct URL; a redirect means a
            // wrong base URL and must not silently carry the token elsewhere.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(concat!("blitz-rs/", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(Self {
            agent: config.new_agent(),
            base_url,
            token: api_token.to_owned(),
            timeout,
        })
    }

    /// The base URL, without a trailing slash.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `GET /users/`: every user.
    ///
    /// The panel answers 400 "No users found" when it has none; that is an
    /// empty list here.
    pub fn list_users(&self) -> Result<Vec<User>, Error> {
        let reply = self.send(Endpoint::ListUsers, Method::Get, "/users/", None)?;
        if error::is_empty_list(reply.status, &reply.body) {
            return Ok(Vec::new());
        }
        reply.success(Endpoint::ListUsers)?.json()
    }

    /// `POST /users/`: creates a user.
    ///
    /// Fails with [`Error::Conflict`] if the name is taken; see
    /// [`Client::ensure_user`] for the idempotent form.
    ///
    /// Blitz (every 2.x seen, up to 2.5.3) cannot take a note and a creation
    /// date in one create: its `cli_api.add_user` then passes the IP flag
    /// twice and `add_user.py` fails with its usage text (400). So when both
    /// are set this creates the user with the date and without the note, then
    /// sets the note with a `PATCH`: two requests, and if the second fails the
    /// user exists without its note and the error is returned.
    pub fn create_user(&self, new_user: &NewUser) -> Result<(), Error> {
        let note = self.post_user(new_user)?;
        match note {
            Some(note) => self.set_note(&new_user.username, note),
            None => Ok(()),
        }
    }

    /// Sends the create; returns the note still to be set when the panel
    /// could not take it in the same request.
    pub(crate) fn post_user<'a>(&self, new_user: &'a NewUser) -> Result<Option<&'a str>, Error> {
        let username = validate_username(&new_user.username)?;
        let note = new_user.note.as_deref().filter(|it| !it.is_empty());
        let (note_now, note_later) = match (note, new_user.creation_date) {
            (Some(note), Some(_)) => (None, Some(note)),
            (note, _) => (note, None),
        };
        let body = CreateBody {
            username: &username,
            traffic_limit: new_user.traffic_limit_gb,
            expiration_days: new_user.expiration_days,
            note: note_now,
            creation_date: new_user.creation_date,
            password: new_user.password.as_deref(),
            unlimited: new_user.unlimited_ip,
        };
        let body = to_json(&body)?;
        self.send(Endpoint::CreateUser, Method::Post, "/users/", Some(body))?
            .success(Endpoint::CreateUser)?;
        Ok(note_later)
    }

    /// Sets the user's note (`""` clears it) with a `PATCH`.
    pub fn set_note(&self, username: &str, note: &str) -> Result<(), Error> {
        let edit = UserEdit {
            note: Some(note.to_owned()),
            ..UserEdit::default()
        };
        self.edit_user(username, &edit)
    }

    /// `GET /users/{name}`: one user.
    pub fn get_user(&self, username: &str) -> Result<User, Error> {
        let path = format!("/users/{}", validate_username(username)?);
        self.send(Endpoint::GetUser, Method::Get, &path, None)?
            .success(Endpoint::GetUser)?
            .json()
    }

    /// `PATCH /users/{name}`: changes the fields set in `edit`.
    ///
    /// The panel disconnects the user first; if that fails nothing changes
    /// and this returns [`Error::Transient`].
    pub fn edit_user(&self, username: &str, edit: &UserEdit) -> Result<(), Error> {
        let path = format!("/users/{}", validate_username(username)?);
        let new_username = edit
            .new_username
            .as_deref()
            .map(validate_username)
            .transpose()?;
        let body = EditBody {
            new_username: new_username.as_deref(),
            new_password: edit.new_password.as_deref(),
            new_traffic_limit: edit.new_traffic_limit_gb,
            new_expiration_days: edit.new_expiration_days,
            renew_password: edit.renew_password,
            renew_creation_date: edit.renew_creation_date,
            blocked: edit.blocked,
            unlimited_ip: edit.unlimited_ip,
            note: edit.note.as_deref(),
        };
        let body = to_json(&body)?;
        self.send(Endpoint::EditUser, Method::Patch, &path, Some(body))?
            .success(Endpoint::EditUser)?;
        Ok(())
    }

    /// `DELETE /users/{name}`: removes a user.
    ///
    /// Like [`Client::edit_user`], fails with [`Error::Transient`] if the
    /// panel cannot disconnect the user first.
    pub fn delete_user(&self, username: &str) -> Result<(), Error> {
        let path = format!("/users/{}", validate_username(username)?);
        self.send(Endpoint::DeleteUser, Method::Delete, &path, None)?
            .success(Endpoint::DeleteUser)?;
        Ok(())
    }

    /// `GET /users/{name}/reset`: zeroes usage, unblocks, and puts the user
    /// back on hold (the panel clears the creation date, so the days start
    /// again at the next connection; see [`Client::start_new_period`]).
    pub fn reset_user(&self, username: &str) -> Result<(), Error> {
        let path = format!("/users/{}/reset", validate_username(username)?);
        self.send(Endpoint::ResetUser, Method::Get, &path, None)?
            .success(Endpoint::ResetUser)?;
        Ok(())
    }

    /// `GET /users/{name}/uri`: the user's connection and subscription links.
    pub fn user_links(&self, username: &str) -> Result<Links, Error> {
        let path = format!("/users/{}/uri", validate_username(username)?);
        self.send(Endpoint::UserLinks, Method::Get, &path, None)?
            .success(Endpoint::UserLinks)?
            .json()
    }

    /// `POST /users/uri/bulk`: links for several users at once.
    ///
    /// Users the panel does not know are left out of the answer. Every name
    /// is validated first; an empty slice returns an empty list without a request.
    pub fn bulk_links(&self, usernames: &[&str]) -> Result<Vec<Links>, Error> {
        if usernames.is_empty() {
            return Ok(Vec::new());
        }
        let usernames = usernames
            .iter()
            .map(|it| validate_username(it))
            .collect::<Result<Vec<_>, _>>()?;
        let body = to_json(&BulkBody {
            usernames: &usernames,
        })?;
        self.send(
            Endpoint::BulkLinks,
            Method::Post,
            "/users/uri/bulk",
            Some(body),
        )?
        .success(Endpoint::BulkLinks)?
        .json()
    }

    /// `GET /server/status`: load, memory, online users and traffic totals.
    pub fn server_status(&self) -> Result<ServerStatus, Error> {
        self.send(Endpoint::ServerStatus, Method::Get, "/server/status", None)?
            .success(Endpoint::ServerStatus)?
            .json()
    }

    /// `GET /server/services/status`: which panel services run.
    pub fn services_status(&self) -> Result<ServicesStatus, Error> {
        self.send(
            Endpoint::ServicesStatus,
            Method::Get,
            "/server/services/status",
            None,
        )?
        .success(Endpoint::ServicesStatus)?
        .json()
    }

    /// `GET /server/version`: panel and core versions.
    pub fn version(&self) -> Result<Version, Error> {
        self.send(Endpoint::Version, Method::Get, "/server/version", None)?
            .success(Endpoint::Version)?
            .json()
    }

    /// Sends one request and reads the whole answer, whatever its status.
    fn send(
        &self,
        endpoint: Endpoint,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Reply, Error> {
        let url = format!("{}{path}", self.base_url);
        let started = std::time::Instant::now();
        let token = self.token.as_str();
        let result = match (method, body) {
            (Method::Get, _) => self.agent.get(&url).header("Authorization", token).call(),
            (Method::Delete, _) => self
                .agent
                .delete(&url)
                .header("Authorization", token)
                .call(),
            (Method::Post, body) => self
                .agent
                .post(&url)
                .header("Authorization", token)
                .header("Content-Type", "application/json")
                .send(body.unwrap_or_default()),
            (Method::Patch, body) => self
                .agent
                .patch(&url)
                .header("Authorization", token)
                .header("Content-Type", "application/json")
                .send(body.unwrap_or_default()),
        };
        let mut response = match result {
            Ok(response) => response,
            Err(err) => {
                log::debug!("blitz {method} {path}: {err} after {:?}", started.elapsed());
                return Err(Error::transport(err));
            }
        };
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|it| it.to_str().ok())
            .map(str::to_owned);
        let bytes = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(Error::transport)?;
        log::debug!(
            "blitz {method} {path} ({endpoint:?}): {status} in {:?}",
            started.elapsed()
        );
        Ok(Reply {
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            location,
        })
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("token", &"<redacted>")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy)]
enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        })
    }
}

/// One answer, read in full.
struct Reply {
    status: u16,
    body: String,
    location: Option<String>,
}

impl Reply {
    /// Passes a 2xx answer through and maps anything else to an [`Error`].
    fn success(self, endpoint: Endpoint) -> Result<Self, Error> {
        if (200..300).contains(&self.status) {
            return Ok(self);
        }
        Err(error::from_status(
            endpoint,
            self.status,
            &self.body,
            self.location.as_deref(),
        ))
    }

    fn json<T: DeserializeOwned>(self) -> Result<T, Error> {
        serde_json::from_str(&self.body).map_err(|err| Error::decode(&self.body, err))
    }
}

fn to_json<T: serde::Serialize>(body: &T) -> Result<Vec<u8>, Error> {
    // Our bodies are plain structs of strings and numbers; this cannot fail,
    // but a failure is still reported rather than unwrapped.
    serde_json::to_vec(body)
        .map_err(|err| Error::decode("", format!("cannot encode request: {err}")))
}

/// Checks that `url` is an `http(s)://host...` URL and drops trailing slashes.
fn normalize_base_url(url: &str) -> Result<String, Error> {
    let invalid = |reason| Error::InvalidBaseUrl {
        url: error::truncate(url, 200),
        reason,
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("contains whitespace"));
    }
    let scheme_len = match url.find("://") {
        Some(idx) => idx,
        None => return Err(invalid("must start with http:// or https://")),
    };
    let scheme = url[..scheme_len].to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(invalid("must start with http:// or https://"));
    }
    let trimmed = url.trim_end_matches('/');
    let rest = trimmed.get(scheme_len + 3..).unwrap_or_default();
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() {
        return Err(invalid("has no host"));
    }
    if rest.contains(['?', '#']) {
        return Err(invalid("must not have a query or fragment"));
    }
    let probe = format!("{trimmed}/users/");
    if ureq::http::Uri::try_from(probe.as_str()).is_err() {
        return Err(invalid("is not a valid URL"));
    }
    Ok(trimmed.to_owned())
}

fn validate_token(token: &str) -> Result<(), Error> {
    if token.is_empty() {
        return Err(Error::InvalidToken { reason: "is empty" });
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::InvalidToken {
            reason: "may only contain visible ASCII characters",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::{
        Error,
        client::{Client, normalize_base_url},
    };

    fn check_url(input: &str, expected: &str) {
        assert_eq!(normalize_base_url(input).unwrap(), expected);
    }

    fn check_bad_url(input: &str, reason: &str) {
        match normalize_base_url(input) {
            Err(Error::InvalidBaseUrl { reason: got, .. }) => assert_eq!(got, reason, "{input:?}"),
            other => panic!("{input:?}: {other:?}"),
        }
    }

    #[test]
    fn base_urls_with_or_without_slash() {
        check_url(
            "https://panel.example.com:8443/abc123/api/v1",
            "https://panel.example.com:8443/abc123/api/v1",
        );
        check_url(
            "https://panel.example.com:8443/abc123/api/v1/",
            "https://panel.example.com:8443/abc123/api/v1",
        );
        check_url(
            "http://127.0.0.1:28260/api/v1//",
            "http://127.0.0.1:28260/api/v1",
        );
        check_url("HTTPS://[::1]:8443/api/v1", "HTTPS://[::1]:8443/api/v1");
        check_url("http://localhost", "http://localhost");
    }

    #[test]
    fn bad_base_urls() {
        let scheme = "must start with http:// or https://";
        check_bad_url("panel.example.com/api/v1", scheme);
        check_bad_url("ftp://panel.example.com/api/v1", scheme);
        check_bad_url("", scheme);
        check_bad_url("https:///api/v1", "has no host");
        check_bad_url("https://", "has no host");
        check_bad_url(
            "https://panel/api/v1?x=1",
            "must not have a query or fragment",
        );
        check_bad_url(
            "https://panel/api/v1#top",
            "must not have a query or fragment",
        );
        check_bad_url("https://panel/api v1", "contains whitespace");
        check_bad_url("https://panel/api/v1\n", "contains whitespace");
        check_bad_url("https://pa<nel>/api", "is not a valid URL");
    }

    #[test]
    fn requests_go_to_users_with_a_slash() {
        let client =
            Client::new("http://127.0.0.1:1/api/v1/", "t", Duration::from_secs(1)).unwrap();
        assert_eq!(
            format!("{}{}", client.base_url(), "/users/"),
            "http://127.0.0.1:1/api/v1/users/"
        );
    }

    #[test]
    fn tokens() {
        let ok = Client::new("http://x", "abc123DEF", Duration::from_secs(1));
        assert!(ok.is_ok());
        for bad in ["", "two words", "line\n", "tab\t", "ü"] {
            assert!(
                matches!(
                    Client::new("http://x", bad, Duration::from_secs(1)),
                    Err(Error::InvalidToken { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn debug_hides_the_token() {
        let client =
            Client::new("http://x/api/v1", "s3cr3t-token", Duration::from_secs(1)).unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("http://x/api/v1"), "{shown}");
    }

    #[test]
    fn client_is_clone_send_sync() {
        fn assert_traits<T: Clone + Send + Sync + 'static>() {}
        assert_traits::<Client>();
        fn assert_error<T: Send + Sync + std::error::Error + 'static>() {}
        assert_error::<Error>();
    }
}
