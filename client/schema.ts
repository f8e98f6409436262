// Generated from openapi/openapi.json by `npm run client` (openapi-typescript). Do not edit.

export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness: 200 while the process is up
         * @description Public and never rate limited. Answers without touching the database.
         */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: 200 when the database answers and the issuer's signing keys can be had; 503 otherwise
         * @description Public and never rate limited. For an orchestrator: route traffic here only while it answers 200. With REDIS_URL, also 503 until Redis has been reached once; a later Redis outage keeps 200 with sharedBudgets "degraded" (requests are still served, budgets counted per process).
         */
        get: operations["ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/products": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List, search and filter products
         * @description Public. Follow nextCursor (with the same sort) until it is null to visit every matching product exactly once.
         */
        get: operations["listProducts"];
        put?: never;
        /**
         * Create a product (admin)
         * @description Admin only. Answers 201 with the product, its ETag and its Location; an Idempotency-Key makes a retry safe.
         */
        post: operations["createProduct"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/products/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get one product
         * @description Public. The ETag names this version of the product: send it as If-Match to change it safely.
         */
        get: operations["getProduct"];
        /**
         * Replace a product (admin)
         * @description Admin only. Sets every field; with If-Match, only if the product is still at that version.
         */
        put: operations["replaceProduct"];
        post?: never;
        /**
         * Delete a product (admin)
         * @description Admin only. Its audit history is kept; with If-Match, only if the product is still at that version.
         */
        delete: operations["deleteProduct"];
        options?: never;
        head?: never;
        /**
         * Update some fields of a product (admin)
         * @description Admin only. Changes only the fields given; with If-Match, only if the product is still at that version.
         */
        patch: operations["updateProduct"];
        trace?: never;
    };
    "/products/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export every product as CSV or NDJSON (streamed)
         * @description Public. Streams the whole catalogue in id order, one product per line.
         */
        get: operations["exportProducts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/products/bulk-delete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Delete many products at once, all or nothing (admin)
         * @description Admin only. If any id does not exist, nothing is deleted and the 404 names the missing ones.
         */
        post: operations["deleteProducts"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/products/bulk": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create up to 1000 products at once, all or nothing (admin)
         * @description A JSON array, NDJSON (one product per line) or CSV with the header title,price,image. One bad row rejects the whole batch with 400 and an errors list giving each bad row, field and reason.
         */
        post: operations["importProducts"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/products/changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What changed in the catalogue since a cursor
         * @description Public. Without since, every product (a new client's full copy); then follow nextCursor, which is always present, to get every product created, updated (its current state) or deleted (a tombstone) since, in commit order, each at most once per page. An empty items means nothing changed: keep the same nextCursor and ask again later. Tombstones are kept at least 30 days: a cursor older than that answers 410, and the client must sync again from the beginning.
         */
        get: operations["listProductChanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The audit trail, newest first, with filters (admin)
         * @description Admin only. Who changed which product, when, from what to what; follow nextCursor for more.
         */
        get: operations["listAuditEntries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/products/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One product's changes, newest first; kept after it is deleted (admin)
         * @description Admin only. The audit entries of one product; follow nextCursor for more.
         */
        get: operations["getProductHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The signed-in user
         * @description Any valid token. Who the token says you are, with the profile from the issuer when it answers.
         */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log out: revoke this token (or every token until now), and get the Auth0 logout URL
         * @description The presented token stops working at once, until its expiry. With {"everywhere": true}, every token of the user issued until now does too.
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List user records, most recently seen first (admin)
         * @description Admin only. Every user whose token this API has seen; follow nextCursor for more.
         */
        get: operations["listUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/users/{sub}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One user record (admin)
         * @description Admin only. The record of one subject, as last seen in a token.
         */
        get: operations["getUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @description RFC 9457 problem details
         * @example {
         *       "type": "about:blank",
         *       "title": "Not Found",
         *       "status": 404,
         *       "detail": "Product 42 does not exist.",
         *       "requestId": "k3Jx1Qa9-1f"
         *     }
         */
        Problem: {
            /**
             * @description A URI reference identifying the problem type
             * @example about:blank
             */
            type: string;
            title: string;
            status: number;
            detail: string;
            instance?: string;
            /** @description Quote it when reporting a 5xx */
            requestId?: string;
            errors?: {
                /** @description body, querystring, params or headers */
                in: string;
                /** @description Bulk input: the 1-based row (data rows, after any CSV header) */
                row?: number;
                /** @description The offending field, dotted for nested ones */
                field: string;
                message: string;
            }[];
        };
        /**
         * @description A product as stored
         * @example {
         *       "id": 1,
         *       "title": "PlayStation",
         *       "price": "899.99",
         *       "image": "https://example.com/playstation.jpg",
         *       "createdAt": "2026-01-01T12:00:00.000Z",
         *       "updatedAt": "2026-01-01T12:00:00.000Z"
         *     }
         */
        Product: {
            /** @description Product id */
            id: number;
            title: string;
            /**
             * @description Exact decimal with two places, from 0.00 to 99999.99
             * @example 899.99
             */
            price: string;
            image: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        /**
         * @description Every field of a product, to create or replace it
         * @example {
         *       "title": "PlayStation",
         *       "price": "899.99",
         *       "image": "https://example.com/playstation.jpg"
         *     }
         */
        ProductInput: {
            /**
             * @description 1 to 50 characters after trimming
             * @example PlayStation
             */
            title: string;
            /**
             * @description A decimal string or JSON number from 0.00 to 99999.99 with at most two decimals
             * @example 899.99
             */
            price: string | number;
            /**
             * Format: uri
             * @description An http or https URL
             * @example https://example.com/playstation.jpg
             */
            image: string;
        };
        /**
         * @description Some fields of a product, to change only those
         * @example {
         *       "price": "289.00"
         *     }
         */
        ProductPatch: {
            /**
             * @description 1 to 50 characters after trimming
             * @example PlayStation
             */
            title?: string;
            /**
             * @description A decimal string or JSON number from 0.00 to 99999.99 with at most two decimals
             * @example 899.99
             */
            price?: string | number;
            /**
             * Format: uri
             * @description An http or https URL
             * @example https://example.com/playstation.jpg
             */
            image?: string;
        };
        /**
         * @description A page of products
         * @example {
         *       "items": [
         *         {
         *           "id": 1,
         *           "title": "PlayStation",
         *           "price": "899.99",
         *           "image": "https://example.com/playstation.jpg",
         *           "createdAt": "2026-01-01T12:00:00.000Z",
         *           "updatedAt": "2026-01-01T12:00:00.000Z"
         *         }
         *       ],
         *       "nextCursor": null
         *     }
         */
        ProductPage: {
            items: components["schemas"]["Product"][];
            /** @description Pass as cursor for the next page; null on the last */
            nextCursor: string | null;
        };
        /**
         * @description Products as in POST /products, 1 to 1000 of them
         * @example [
         *       {
         *         "title": "PlayStation",
         *         "price": "899.99",
         *         "image": "https://example.com/playstation.jpg"
         *       }
         *     ]
         */
        BulkProducts: components["schemas"]["ProductInput"][];
        /**
         * @description Every product created, in input order
         * @example {
         *       "created": 1,
         *       "items": [
         *         {
         *           "id": 1,
         *           "title": "PlayStation",
         *           "price": "899.99",
         *           "image": "https://example.com/playstation.jpg",
         *           "createdAt": "2026-01-01T12:00:00.000Z",
         *           "updatedAt": "2026-01-01T12:00:00.000Z"
         *         }
         *       ]
         *     }
         */
        BulkResult: {
            created: number;
            items: components["schemas"]["Product"][];
        };
        /**
         * @description The ids to delete, all or none
         * @example {
         *       "ids": [
         *         1,
         *         2
         *       ]
         *     }
         */
        BulkDeleteRequest: {
            ids: number[];
        };
        /**
         * @description How many were deleted
         * @example {
         *       "deleted": 2
         *     }
         */
        BulkDeleteResult: {
            deleted: number;
        };
        /**
         * @description A deleted product: remove it from your copy. Kept at least 30 days.
         * @example {
         *       "id": 7,
         *       "deleted": true,
         *       "at": "2026-01-02T08:30:00.000Z"
         *     }
         */
        ProductTombstone: {
            /** @description Product id */
            id: number;
            /** @enum {boolean} */
            deleted: true;
            /**
             * Format: date-time
             * @description When the product was deleted
             */
            at: string;
        };
        /**
         * @description A product created or updated (its current state), or a tombstone when it was deleted (deleted: true)
         * @example {
         *       "id": 1,
         *       "title": "PlayStation",
         *       "price": "899.99",
         *       "image": "https://example.com/playstation.jpg",
         *       "createdAt": "2026-01-01T12:00:00.000Z",
         *       "updatedAt": "2026-01-01T12:00:00.000Z"
         *     }
         */
        ProductChange: components["schemas"]["Product"] | components["schemas"]["ProductTombstone"];
        /**
         * @description A page of the change feed
         * @example {
         *       "items": [
         *         {
         *           "id": 1,
         *           "title": "PlayStation",
         *           "price": "899.99",
         *           "image": "https://example.com/playstation.jpg",
         *           "createdAt": "2026-01-01T12:00:00.000Z",
         *           "updatedAt": "2026-01-01T12:00:00.000Z"
         *         },
         *         {
         *           "id": 7,
         *           "deleted": true,
         *           "at": "2026-01-02T08:30:00.000Z"
         *         }
         *       ],
         *       "nextCursor": "eyJwIjo0Mn0"
         *     }
         */
        ChangePage: {
            /** @description In commit order; a product changed several times appears once, as its latest state */
            items: components["schemas"]["ProductChange"][];
            /** @description Always present: pass it as since to get what changed after this page */
            nextCursor: string;
        };
        /**
         * @description One change to one product
         * @example {
         *       "id": 7,
         *       "at": "2026-01-02T12:00:00.000Z",
         *       "actor": "auth0|123",
         *       "action": "update",
         *       "productId": 1,
         *       "before": {
         *         "id": 1,
         *         "title": "PlayStation",
         *         "price": "899.99",
         *         "image": "https://example.com/playstation.jpg",
         *         "createdAt": "2026-01-01T12:00:00.000Z",
         *         "updatedAt": "2026-01-01T12:00:00.000Z"
         *       },
         *       "after": {
         *         "id": 1,
         *         "title": "PlayStation",
         *         "price": "289.00",
         *         "image": "https://example.com/playstation.jpg",
         *         "createdAt": "2026-01-01T12:00:00.000Z",
         *         "updatedAt": "2026-01-02T12:00:00.000Z"
         *       },
         *       "requestId": "k3Jx1Qa9-1f"
         *     }
         */
        AuditEntry: {
            id: number;
            /** Format: date-time */
            at: string;
            /** @description The token's sub */
            actor: string;
            /** @enum {string} */
            action: "create" | "update" | "delete" | "bulk-create" | "bulk-delete";
            productId: number;
            /** @description The product as it was (null when it did not exist) */
            before: components["schemas"]["Product"] | (never | null);
            /** @description The product as it was (null when it did not exist) */
            after: components["schemas"]["Product"] | (never | null);
            requestId: string;
        };
        /**
         * @description A page of audit entries
         * @example {
         *       "items": [
         *         {
         *           "id": 7,
         *           "at": "2026-01-02T12:00:00.000Z",
         *           "actor": "auth0|123",
         *           "action": "update",
         *           "productId": 1,
         *           "before": {
         *             "id": 1,
         *             "title": "PlayStation",
         *             "price": "899.99",
         *             "image": "https://example.com/playstation.jpg",
         *             "createdAt": "2026-01-01T12:00:00.000Z",
         *             "updatedAt": "2026-01-01T12:00:00.000Z"
         *           },
         *           "after": {
         *             "id": 1,
         *             "title": "PlayStation",
         *             "price": "289.00",
         *             "image": "https://example.com/playstation.jpg",
         *             "createdAt": "2026-01-01T12:00:00.000Z",
         *             "updatedAt": "2026-01-02T12:00:00.000Z"
         *           },
         *           "requestId": "k3Jx1Qa9-1f"
         *         }
         *       ],
         *       "nextCursor": null
         *     }
         */
        AuditPage: {
            items: components["schemas"]["AuditEntry"][];
            nextCursor: string | null;
        };
        /**
         * @description name, email and picture come from the issuer's userinfo; null when it could not be asked
         * @example {
         *       "sub": "auth0|123",
         *       "name": "Ada",
         *       "email": "ada@example.com",
         *       "picture": null,
         *       "roles": [
         *         "admin"
         *       ],
         *       "permissions": [
         *         "write:products"
         *       ],
         *       "isAdmin": true
         *     }
         */
        Me: {
            sub: string;
            name: string | null;
            email: string | null;
            picture: string | null;
            /** @description From the role claim, as authorization sees it */
            roles: string[];
            /** @description From the permissions claim (Auth0 RBAC) */
            permissions: string[];
            isAdmin: boolean;
        };
        /**
         * @description Optional: no body means the defaults
         * @example {
         *       "everywhere": true
         *     }
         */
        LogoutRequest: {
            /** @description Also revoke every other token of this user issued until now (false when left out) */
            everywhere?: boolean;
        };
        /**
         * @description The token is revoked
         * @example {
         *       "revoked": true,
         *       "logoutUrl": null
         *     }
         */
        LogoutResult: {
            /** @enum {boolean} */
            revoked: true;
            /** @description Auth0's session logout, for the client to open; null unless AUTH0_CLIENT_ID and AUTH0_LOGOUT_RETURN_TO are set */
            logoutUrl: string | null;
        };
        /**
         * @description A user as last seen in a token
         * @example {
         *       "sub": "auth0|123",
         *       "name": "Ada",
         *       "email": "ada@example.com",
         *       "picture": null,
         *       "isAdmin": true,
         *       "firstSeenAt": "2026-01-01T12:00:00.000Z",
         *       "lastSeenAt": "2026-01-02T12:00:00.000Z"
         *     }
         */
        User: {
            sub: string;
            name: string | null;
            email: string | null;
            picture: string | null;
            /** @description As last seen in a token */
            isAdmin: boolean;
            /** Format: date-time */
            firstSeenAt: string;
            /** Format: date-time */
            lastSeenAt: string;
        };
        /**
         * @description A page of users
         * @example {
         *       "items": [
         *         {
         *           "sub": "auth0|123",
         *           "name": "Ada",
         *           "email": "ada@example.com",
         *           "picture": null,
         *           "isAdmin": true,
         *           "firstSeenAt": "2026-01-01T12:00:00.000Z",
         *           "lastSeenAt": "2026-01-02T12:00:00.000Z"
         *         }
         *       ],
         *       "nextCursor": null
         *     }
         */
        UserPage: {
            items: components["schemas"]["User"][];
            nextCursor: string | null;
        };
        /**
         * @description The process is up
         * @example {
         *       "status": "ok"
         *     }
         */
        Health: {
            status: string;
        };
        /**
         * @description Ready to serve
         * @example {
         *       "status": "ready",
         *       "database": "ok",
         *       "signingKeys": "ok",
         *       "sharedBudgets": "ok"
         *     }
         */
        Readiness: {
            /** @enum {string} */
            status: "ready";
            /** @enum {string} */
            database: "ok";
            /** @description ok: the issuer's JWKS was fetched recently; stale: the issuer fails but cached keys still verify tokens */
            signingKeys: "ok" | "stale";
            /** @description ok: rate budgets are shared with the other replicas through Redis; degraded: Redis is down, budgets are counted per process until it is back; off: no REDIS_URL, budgets are per process */
            sharedBudgets: "ok" | "degraded" | "off";
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is up */
            200: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready */
            200: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listProducts: {
        parameters: {
            query?: {
                /** @description Case-insensitive search in the title; every word must match */
                q?: string;
                /**
                 * @description Lowest price, inclusive
                 * @example 10.00
                 */
                minPrice?: string;
                /**
                 * @description Highest price, inclusive
                 * @example 10.00
                 */
                maxPrice?: string;
                /** @description Field to sort by, - for descending; ties are broken by id */
                sort?: "id" | "-id" | "title" | "-title" | "price" | "-price" | "createdAt" | "-createdAt" | "updatedAt" | "-updatedAt";
                /** @description Page size */
                limit?: number;
                /** @description nextCursor from the previous page (same sort) */
                cursor?: string;
            };
            header?: {
                /**
                 * @description The ETag you hold: 304 with no body while it is still current
                 * @example W/"1.1"
                 */
                "if-none-match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page; the ETag covers its content */
            200: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The version of what was sent; give it back in If-None-Match or If-Match */
                    ETag?: string;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProductPage"];
                };
            };
            /** @description Not modified: If-None-Match named the current ETag */
            304: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The version of what was sent; give it back in If-None-Match or If-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: the errors array names each bad field */
            400: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createProduct: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Retry safely: the same key and body within 24 h replays the first response
                 * @example order-2026-01-01-0001
                 */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProductInput"];
            };
        };
        responses: {
            /** @description Created; Location names the new product */
            201: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The new product's URL */
                    Location?: string;
                    /** @description The version of what was sent; give it back in If-None-Match or If-Match */
                    ETag?: string;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            /** @description Invalid request: the errors array names each bad field */
            400: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid or expired bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The Bearer challenge, with the reason when a token was refused */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token is valid but lacks the admin role or write:products permission */
            403: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Content-Type */
            415: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request cannot be processed */
            422: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getProduct: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description The ETag you hold: 304 with no body while it is still current
                 * @example W/"1.1"
                 */
                "if-none-match"?: string;
            };
            path: {
                /** @description Product id */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The product; ETag names its version */
            200: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The version of what was sent; give it back in If-None-Match or If-Match */
                    ETag?: string;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            /** @description Not modified: If-None-Match named the current ETag */
            304: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The version of what was sent; give it back in If-None-Match or If-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: the errors array names each bad field */
            400: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long */
            414: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    replaceProduct: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Only change the product if its ETag is one of these (412 otherwise)
                 * @example W/"1.1"
                 */
                "if-match"?: string;
            };
            path: {
                /** @description Product id */
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProductInput"];
            };
        };
        responses: {
            /** @description Replaced; ETag names the new version */
            200: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The version of what was sent; give it back in If-None-Match or If-Match */
                    ETag?: string;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            /** @description Invalid request: the errors array names each bad field */
            400: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid or expired bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The Bearer challenge, with the reason when a token was refused */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token is valid but lacks the admin role or write:products permission */
            403: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long */
            414: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Content-Type */
            415: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteProduct: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Only change the product if its ETag is one of these (412 otherwise)
                 * @example W/"1.1"
                 */
                "if-match"?: string;
            };
            path: {
                /** @description Product id */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted; no body */
            204: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request: the errors array names each bad field */
            400: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid or expired bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The Bearer challenge, with the reason when a token was refused */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token is valid but lacks the admin role or write:products permission */
            403: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long */
            414: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Content-Type */
            415: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateProduct: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Only change the product if its ETag is one of these (412 otherwise)
                 * @example W/"1.1"
                 */
                "if-match"?: string;
            };
            path: {
                /** @description Product id */
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProductPatch"];
            };
        };
        responses: {
            /** @description Updated; ETag names the new version */
            200: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The version of what was sent; give it back in If-None-Match or If-Match */
                    ETag?: string;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            /** @description Invalid request: the errors array names each bad field */
            400: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid or expired bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The Bearer challenge, with the reason when a token was refused */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token is valid but lacks the admin role or write:products permission */
            403: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match did not match the current ETag */
            412: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long */
            414: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Content-Type */
            415: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    exportProducts: {
        parameters: {
            query?: {
                /** @description ndjson (default) or csv */
                format?: "csv" | "ndjson";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every product in id order; CSV has the header id,title,price,image,createdAt,updatedAt */
            200: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                    "application/x-ndjson": string;
                };
            };
            /** @description Invalid request: the errors array names each bad field */
            400: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteProducts: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BulkDeleteRequest"];
            };
        };
        responses: {
            /** @description Deleted */
            200: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkDeleteResult"];
                };
            };
            /** @description Invalid request: the errors array names each bad field */
            400: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid or expired bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The Bearer challenge, with the reason when a token was refused */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token is valid but lacks the admin role or write:products permission */
            403: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Content-Type */
            415: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    importProducts: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retry safely: the same key and body within 24 h replays the first response */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BulkProducts"];
                "application/x-ndjson": string;
                "text/csv": string;
            };
        };
        responses: {
            /** @description Created, all of them */
            201: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkResult"];
                };
            };
            /** @description Invalid request: the errors array names each bad field */
            400: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid or expired bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The Bearer challenge, with the reason when a token was refused */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token is valid but lacks the admin role or write:products permission */
            403: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Content-Type */
            415: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request cannot be processed */
            422: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listProductChanges: {
        parameters: {
            query?: {
                /**
                 * @description nextCursor from your last page; omit it to start from the beginning (the whole catalogue)
                 * @example eyJwIjo0Mn0
                 */
                since?: string;
                /** @description Page size */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Changes after the cursor, and where to continue */
            200: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangePage"];
                };
            };
            /** @description Invalid request: the errors array names each bad field */
            400: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Gone: what was asked for is no longer kept */
            410: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listAuditEntries: {
        parameters: {
            query?: {
                productId?: number;
                actor?: string;
                action?: "create" | "update" | "delete" | "bulk-create" | "bulk-delete";
                /** @description Entries at or after this time */
                from?: string;
                /** @description Entries at or before this time */
                to?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of audit entries */
            200: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditPage"];
                };
            };
            /** @description Invalid request: the errors array names each bad field */
            400: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid or expired bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The Bearer challenge, with the reason when a token was refused */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token is valid but lacks the admin role or write:products permission */
            403: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getProductHistory: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Product id */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of audit entries */
            200: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditPage"];
                };
            };
            /** @description Invalid request: the errors array names each bad field */
            400: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid or expired bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The Bearer challenge, with the reason when a token was refused */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token is valid but lacks the admin role or write:products permission */
            403: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long */
            414: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The signed-in user */
            200: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description Missing, invalid or expired bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The Bearer challenge, with the reason when a token was refused */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["LogoutRequest"];
            };
        };
        responses: {
            /** @description Logged out */
            200: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogoutResult"];
                };
            };
            /** @description Invalid request: the errors array names each bad field */
            400: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid or expired bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The Bearer challenge, with the reason when a token was refused */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request body too large */
            413: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Content-Type */
            415: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listUsers: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of users */
            200: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserPage"];
                };
            };
            /** @description Invalid request: the errors array names each bad field */
            400: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid or expired bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The Bearer challenge, with the reason when a token was refused */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token is valid but lacks the admin role or write:products permission */
            403: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The subject, URL-encoded (auth0%7C123) */
                sub: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user */
            200: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description Invalid request: the errors array names each bad field */
            400: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid or expired bearer token (see WWW-Authenticate) */
            401: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description The Bearer challenge, with the reason when a token was refused */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token is valid but lacks the admin role or write:products permission */
            403: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long */
            414: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests */
            429: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    /** @description Requests allowed in the current window (absent where the budget is not per request) */
                    "RateLimit-Limit"?: number;
                    /** @description Requests left in the current window */
                    "RateLimit-Remaining"?: number;
                    /** @description Seconds until the window resets */
                    "RateLimit-Reset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected server error (masked; quote requestId) */
            500: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unavailable or the server is shutting down; retry later */
            503: {
                headers: {
                    /** @description This request's id (the caller's own when plain); quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
