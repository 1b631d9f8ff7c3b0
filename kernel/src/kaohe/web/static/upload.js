// kaohe: a big upload shows its progress (issue 17, point 1). A form marked data-progress is sent by
// XMLHttpRequest so that its upload can be followed; its answer is then shown as the form would have
// shown it: the page it was sent on to (the check of the file), or the refusal in place of the page's
// main part. Without script the form is sent as it is, without the bar.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-progress]") || !window.FormData || !window.DOMParser) {
    return;
  }
  event.preventDefault();
  var bar = form.querySelector("progress");
  var note = form.querySelector("[data-progress-text]");
  var button = form.querySelector("button[type=submit]");
  var xhr = new XMLHttpRequest();
  xhr.open("POST", form.action);
  xhr.upload.addEventListener("progress", function (e) {
    if (e.lengthComputable) {
      bar.max = e.total;
      bar.value = e.loaded;
      note.textContent = "已上传 " + Math.round((100 * e.loaded) / e.total) + "%";
    }
  });
  xhr.upload.addEventListener("load", function () {
    note.textContent = "已上传,正在检查文件……";
  });
  xhr.addEventListener("load", function () {
    if (xhr.status < 400 && xhr.responseURL && xhr.responseURL !== form.action) {
      window.location.assign(xhr.responseURL);
      return;
    }
    var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
    var main = doc.querySelector("main");
    if (main) {
      document.querySelector("main").replaceWith(main);
    } else {
      note.textContent = "上传未成功(" + xhr.status + "),请重试";
      button.disabled = false;
    }
  });
  xhr.addEventListener("error", function () {
    note.textContent = "上传中断,请检查网络后重试";
    button.disabled = false;
  });
  bar.hidden = false;
  bar.value = 0;
  button.disabled = true;
  note.textContent = "正在上传……";
  xhr.send(new FormData(form));
});
