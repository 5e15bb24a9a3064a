//! The registry of institutions: an administrator imports a CSV file and sees each refused row
//! with its reasons; staff look institutions up; nobody else imports.

use crate::support::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::institution::Bin;

async fn import(app: &TestApp, who: &Session, csv: &str) -> Answer {
    let request = Request::post("/api/v1/institutions/import")
        .header(header::CONTENT_TYPE, "text/csv")
        .header(header::COOKIE, &who.cookie)
        .header("x-csrf-token", &who.csrf);
    app.send(request.body(Body::from(csv.to_owned())).unwrap()).await
}

#[tokio::test]
async fn an_administrator_imports_schools_and_sees_each_refused_row() {
    on_each_backend("institutions_import", config, |app| async move {
        let (school, college) = (Bin::synthetic(1).unwrap(), Bin::synthetic(2).unwrap());
        let csv = format!(
            "bin,kind,name,region,locality,education_department\r\n\
             {school},school,\"School No. 1 (demo), Almaty\",KZ-75,Almaty,kz-75-education-department\r\n\
             {college},college,College (demo),KZ-75,Almaty,kz-71-education-department\r\n\
             123,school,Broken (demo),KZ-75,Almaty,kz-75-education-department\r\n"
        );
        let admin = app.sign_in_as("admin.registry", "administrator", None, None).await;
        let answer = import(&app, &admin, &csv).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let report = answer.json();
        assert_eq!(report["inserted"], 1);
        let refused = report["refused"].as_array().unwrap();
        assert_eq!(refused.len(), 2, "{report}");
        assert_eq!(refused[0]["line"], 3);
        assert_eq!(refused[0]["problems"][0]["field"], "education_department", "another region's department");
        assert_eq!(refused[1]["line"], 4);
        assert_eq!(refused[1]["problems"][0]["field"], "bin");
        assert!(!answer.body.contains("kz-71-education-department"), "refusals do not repeat values");
        assert_eq!(import(&app, &admin, &csv).await.json()["unchanged"], 1, "a second import changes nothing");

        let operator = app.sign_in_as("operator.registry", "operator", None, None).await;
        let found = app.get_as(&operator, "/api/v1/institutions?region=KZ-75&q=school%20no").await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.body);
        assert_eq!(found.json()[0]["name"], "School No. 1 (demo), Almaty");
        assert_eq!(app.get_as(&operator, "/api/v1/institutions?region=KZ-00").await.error_fields(), ["region"]);
        assert_eq!(import(&app, &operator, &csv).await.status, StatusCode::FORBIDDEN, "only administrators import");

        let mut large = String::from("bin,kind,name,region,locality,education_department\r\n");
        let bins: Vec<Bin> = (1000..2000).filter_map(Bin::synthetic).collect();
        for bin in &bins {
            large.push_str(&format!(
                "{bin},school,Synthetic school with a long official name {bin},KZ-75,Almaty,kz-75-education-department\r\n"
            ));
        }
        assert!(large.len() > 64 * 1024, "larger than the API's usual body limit");
        let imported = import(&app, &admin, &large).await;
        assert_eq!(imported.status, StatusCode::OK, "a registry file over 64 KiB is taken");
        assert_eq!(imported.json()["inserted"], bins.len());

        let missing_column = import(&app, &admin, "bin,kind,name\r\n").await;
        assert_eq!(missing_column.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", missing_column.body);
        let filter = store::audit::AuditFilter {
            action: Some(domain::audit::AuditAction::InstitutionsImport),
            limit: 10,
            ..Default::default()
        };
        assert_eq!(store::audit::list(&app.db, &filter).await.unwrap().len(), 3, "each import is audited");
        app
    })
    .await;
}
