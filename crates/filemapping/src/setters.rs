//! The setters that every builder of a named object shares, written once: the handle's
//! inheritance and the namespace for every builder; the name and the permissions for the
//! builders that create.
//!
//! Each macro expands inside an `impl` block of a builder with the fields it sets; `$new` is the
//! expression that makes a default builder, as the generated examples spell it.

/// `inheritable` and `namespace`, for a builder with fields `inheritable: bool` and
/// `namespace: Namespace`.
macro_rules! handle_setters {
    ($new:literal) => {
        /// Whether child processes may inherit the handle (`bInheritHandle`). See
        /// [`FileMapping::inherit_token`](crate::FileMapping::inherit_token).
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!("let opts = ", $new, ".inheritable(true);")]
        /// # let _ = opts;
        /// ```
        #[must_use]
        pub fn inheritable(mut self, inheritable: bool) -> Self {
            self.inheritable = inheritable;
            self
        }

        /// The namespace to find or create the name in (default:
        /// [`Namespace::from_env`](crate::Namespace::from_env)).
        ///
        /// # Examples
        ///
        /// ```
        /// use filemapping::Namespace;
        ///
        /// let ns = Namespace::at(std::env::temp_dir().join("fm-doc-ns"));
        #[doc = concat!("let opts = ", $new, ".namespace(&ns);")]
        /// # let _ = opts;
        /// ```
        #[must_use]
        pub fn namespace(mut self, namespace: &crate::Namespace) -> Self {
            self.namespace = namespace.clone();
            self
        }
    };
}

/// `name` and `permissions`, then the [`handle_setters`], for a builder that creates named
/// objects (fields `name: String` and `permissions: Permissions` besides those).
macro_rules! create_setters {
    ($new:literal) => {
        /// The object's name (spec §4): case-sensitive, optionally prefixed with `Local\` or
        /// `Global\`, in the one namespace that every type of object shares. An empty name
        /// makes an unnamed object.
        ///
        /// # Examples
        ///
        /// ```
        /// let name = format!("Local\\doc-name-{}", std::process::id());
        #[doc = concat!("let opts = ", $new, ".name(&name);")]
        /// # let _ = opts;
        /// ```
        #[must_use]
        pub fn name(mut self, name: &str) -> Self {
            self.name = name.to_owned();
            self
        }

        /// Who else may open a new named object (its security); an object that already
        /// exists keeps its own.
        ///
        /// # Examples
        ///
        /// ```
        /// use filemapping::Permissions;
        ///
        #[doc = concat!("let opts = ", $new, ".permissions(Permissions::EveryoneRead);")]
        /// # let _ = opts;
        /// ```
        #[must_use]
        pub fn permissions(mut self, permissions: crate::Permissions) -> Self {
            self.permissions = permissions;
            self
        }

        handle_setters!($new);
    };
}
