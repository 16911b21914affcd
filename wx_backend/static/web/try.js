// The try-it chat: every action goes to /try/send, which signs it as WeChat would and posts
// it to /wechat; the replies are shown exactly as the WeChat client would show them.
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  var form = document.getElementById("form");
  var input = document.getElementById("text");
  var modeButton = document.getElementById("mode");
  var voice = false;
  var user = localStorage.getItem("pufa-try-user");
  if (!user) {
    user = "u" + Math.random().toString(36).slice(2, 12) + Date.now().toString(36);
    localStorage.setItem("pufa-try-user", user);
  }

  // Text with URLs turned into links, built from text nodes (never innerHTML).
  function fill(node, text) {
    var parts = text.split(/(https?:\/\/[^\s，。；）]+)/);
    parts.forEach(function (part, i) {
      if (i % 2 === 1) {
        var a = document.createElement("a");
        a.href = part; a.textContent = part; a.target = "_blank"; a.rel = "noopener";
        node.appendChild(a);
      } else if (part) {
        node.appendChild(document.createTextNode(part));
      }
    });
  }

  function add(who, text) {
    var li = document.createElement("li");
    li.className = who;
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    fill(bubble, text);
    li.appendChild(bubble);
    chat.appendChild(li);
    chat.scrollTop = chat.scrollHeight;
  }

  function addNews(item) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.className = "news"; a.href = item.url; a.target = "_blank"; a.rel = "noopener";
    var title = document.createElement("strong"); title.textContent = item.title;
    var desc = document.createElement("span"); desc.textContent = item.description;
    a.appendChild(title); a.appendChild(desc); li.appendChild(a); chat.appendChild(li);
    chat.scrollTop = chat.scrollHeight;
  }

  function send(payload) {
    payload.user = user;
    return fetch("/try/send", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(payload)
    }).then(function (r) { return r.json(); }).then(function (data) {
      if (data.error) { add("system", "出错了：" + data.error); return; }
      if (!data.replies.length) { add("system", "（公众号没有回复）"); }
      data.replies.forEach(function (reply) {
        if (reply.type === "news") { addNews(reply); }
        else { add(reply.type === "system" ? "system" : "them", reply.text); }
      });
    }).catch(function () { add("system", "网络错误，请重试"); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    add("me", voice ? "🎤 " + text : text);
    send({kind: voice ? "voice" : "text", text: text});
  });
  modeButton.addEventListener("click", function () {
    voice = !voice;
    modeButton.textContent = voice ? "语音" : "文字";
    modeButton.classList.toggle("voice", voice);
    input.placeholder = voice ? "输入语音识别出的文字（可留空模拟没听清）" : "输入您的问题";
  });
  document.getElementById("follow").addEventListener("click", function () {
    add("system", "你关注了公众号");
    send({kind: "event", event: "subscribe"});
  });
  document.getElementById("menu").addEventListener("click", function (event) {
    var key = event.target.getAttribute("data-key");
    if (!key) { return; }
    add("system", "点击菜单：" + event.target.textContent);
    send({kind: "event", event: "click", key: key});
  });
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && voice && !input.value.trim()) {
      event.preventDefault();
      add("me", "🎤 （语音）");
      send({kind: "voice", text: ""});
    }
  });
})();
