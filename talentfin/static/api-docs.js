// talentfin: start Swagger UI on the API's documentation page (a file: the CSP allows no
// inline script). The document's address comes from the page.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    tryItOutEnabled: false
  });
})();
