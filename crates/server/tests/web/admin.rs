//! The administrator's page: accounts, their roles, and agency systems' tokens.

use crate::support::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

#[tokio::test]
async fn an_administrator_creates_accounts_changes_roles_and_issues_tokens() {
    on_each_backend("web_admin", config, |app| async move {
        let admin = app.sign_in_as("admin.web", "administrator", None, None).await;
        let created = app
            .send(form_as(
                "/staff/admin/users?lang=en",
                &admin,
                &[
                    ("login", "officer.web"),
                    ("display_name", "Synthetic Officer"),
                    ("role", "agency_officer"),
                    ("agency_id", "kz-75-police"),
                    ("password", PASSWORD),
                ],
            ))
            .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        assert!(created.body.contains("officer.web"));
        let landing = app.post_form("/staff/sign-in", &[("login", "officer.web"), ("password", PASSWORD)]).await;
        assert_eq!(landing.header("location"), Some("/staff/inbox"), "an officer lands on the inbox");

        let missing =
            app.send(form_as("/staff/admin/users?lang=en", &admin, &[("login", "x"), ("role", "agency_officer")])).await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
        for anchor in ["#login", "#display_name", "#agency_id", "#password"] {
            assert!(missing.body.contains(&format!("href=\"{anchor}\"")), "no error linked to {anchor}");
        }

        let issued = app
            .send(form_as(
                "/staff/admin/tokens?lang=en",
                &admin,
                &[
                    ("name", "Synthetic police system"),
                    ("agency_id", "kz-75-police"),
                    ("perm_complaints:read", "yes"),
                    ("days", "30"),
                ],
            ))
            .await;
        assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
        let token = text_of(&issued.body, "issued-token");
        assert!(token.starts_with("qg_"), "{token}");
        let with_token = |token: String| {
            let request = Request::get("/api/v1/complaints").header(header::AUTHORIZATION, format!("Bearer {token}"));
            app.send(request.body(Body::empty()).unwrap())
        };
        assert_eq!(with_token(token.clone()).await.status, StatusCode::OK);
        let tokens = store::users::list_tokens(&app.db).await.unwrap();
        let revoked =
            app.send(form_as("/staff/admin/tokens/revoke?lang=en", &admin, &[("token_id", &tokens[0].id.to_string())])).await;
        assert_eq!(revoked.status, StatusCode::OK);
        assert!(revoked.body.contains("Revoked or expired"));
        assert_eq!(with_token(token).await.status, StatusCode::UNAUTHORIZED);

        let operator = app.sign_in_as("operator.web", "operator", None, None).await;
        let refused = app.send(form_as("/staff/admin/tokens?lang=en", &operator, &[("name", "x")])).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "only administrators");
        app
    })
    .await;
}
